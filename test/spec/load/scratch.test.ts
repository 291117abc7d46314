import { it } from 'vitest';
import { load, yaml } from './helpers.js';
const show = (r: any) => console.log(JSON.stringify(r.ok ? r.stack.services : r.errors, null, 1));
it('x', () => {
  show(load({
    'compose.yaml': yaml(
      'services:',
      '  web:',
      '    image: nginx',
      '    ports: ["127.0.0.1:8080:80", "9090:90"]',
      '    environment: {A: "1", B: "2"}',
      '    labels: {a: "1"}',
      '    dns: [1.1.1.1]',
      '    volumes: ["./a:/data"]',
      '    x-foo: 1',
    ),
    'override.yaml': yaml(
      'services:',
      '  web:',
      '    ports: [{host_ip: 127.0.0.1, published: "8080", target: 80, mode: host}, "0.0.0.0:9090:90"]',
      '    environment: !reset {}',
      '    labels: !override {b: "2"}',
      '    dns: !reset []',
      '    volumes: [{type: volume, source: v, target: /data}]',
      'volumes: {v: {}}',
    ),
  }));
  show(load({
    'compose.yaml': yaml(
      'services:',
      '  web:',
      '    image: nginx',
      '    environment: [A=1, A=2, B=1]',
      '    ports: ["80", "80"]',
      '  db:',
      '    image: pg',
    ),
    'override.yaml': yaml(
      'services:',
      '  db: !reset null',
      '  web:',
      '    image: !reset null',
      '    build: .',
    ),
  }));
});
