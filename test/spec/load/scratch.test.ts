import { it } from 'vitest';
import { load, yaml } from './helpers.js';
const show = (r: any) => console.log(JSON.stringify(r.ok ? r.stack.services : r.errors, null, 1));
it('x', () => {
  show(load({
    'compose.yaml': yaml(
      'services:',
      '  base:',
      '    image: alpine',
      '    environment: {A: "1"}',
      '  mid:',
      '    extends: base',
      '    environment: {B: "2"}',
      '  web:',
      '    extends: mid',
      '    command: run',
      '  other:',
      '    extends: {file: lib/common.yaml, service: app}',
      'volumes: {named: {}}',
    ),
  }, { extra: { 'lib/common.yaml': yaml('services:', '  app:', '    build: ./ctx', '    volumes: ["./data:/data", "named:/n"]', '    env_file: app.env') , 'lib/app.env': 'X=1\n'} }));
  show(load({'compose.yaml': yaml('services:', '  a:', '    image: x', '    extends: b', '  b:', '    image: y', '    extends: a')}));
  show(load({'compose.yaml': yaml('services:', '  a:', '    image: x', '    extends: a')}));
  show(load({'compose.yaml': yaml('services:', '  a:', '    image: x', '    network_mode: "service:b"', '  b:', '    image: y', '  c:', '    extends: a')}));
});
