// A plan as a person reads it, like a terraform plan: `<` pull an image, `+` create, `~` recreate (with the keys
// that changed), `>` start a stopped container, `*` restart (depends_on restart: true), `=` unchanged, `-` remove;
// and the same as JSON for scripts.
import type { Action, Plan } from '../planner/plan.js';

const SIGN: Record<Action['kind'], string> = {
  pull: '<',
  'create-network': '+',
  'create-volume': '+',
  create: '+',
  recreate: '~',
  start: '>',
  restart: '*',
  unchanged: '=',
  remove: '-',
  'remove-network': '-',
  'remove-volume': '-',
};

export function renderPlan(plan: Plan): string {
  const lines = [`Plan for project ${plan.project}:`];
  for (const a of plan.actions) {
    const why = a.reasons && a.reasons.length > 0 ? ` (${a.reasons.join(', ')})` : '';
    lines.push(`  ${SIGN[a.kind]} ${a.resource} ${a.name}${why}`);
  }
  const count = (kinds: Array<Action['kind']>): number => plan.actions.filter((a) => kinds.includes(a.kind)).length;
  // "N to restart" only when there are restarts, so the summary of a stack without depends_on.restart is unchanged
  const restarts = count(['restart']);
  // and "N to pull" only when there are pulls, for the same reason
  const pulls = count(['pull']);
  lines.push(
    `${pulls > 0 ? `${pulls} to pull, ` : ''}` +
      `${count(['create', 'create-network', 'create-volume'])} to create, ${count(['recreate'])} to recreate, ` +
      `${count(['start'])} to start, ${restarts > 0 ? `${restarts} to restart, ` : ''}` +
      `${count(['remove', 'remove-network', 'remove-volume'])} to remove, ${count(['unchanged'])} unchanged`,
  );
  for (const w of plan.warnings) lines.push(`WARN ${w}`);
  return `${lines.join('\n')}\n`;
}

export function planJson(plan: Plan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}
