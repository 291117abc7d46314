// A plan as a person reads it, like a terraform plan, one action a line in the order `up` runs them, with its id
// and the ids it comes after: `<` pull an image, `+` create, `~` create in place of a changed container, `>` start,
// `*` restart (depends_on restart: true), `.` stop, `?` wait for a dependency, `-` remove; `=` what stays as it is.
// And the plan as JSON for scripts: the very value apply runs.
import type { Action, Plan } from '../planner/plan.js';

function sign(a: Action): string {
  switch (a.kind) {
    case 'pull':
      return '<';
    case 'create-container':
      return a.replaces === undefined ? '+' : '~';
    case 'create-network':
    case 'create-volume':
      return '+';
    case 'start':
      return '>';
    case 'restart':
      return '*';
    case 'stop':
      return '.';
    case 'wait':
      return '?';
    case 'remove-container':
    case 'remove-network':
    case 'remove-volume':
      return '-';
  }
}

/** The word after the sign: what the action does it to (`wait` says so, the others name the resource). */
function subject(a: Action): string {
  if (a.kind === 'pull') return `image ${a.ref}`;
  return a.kind === 'wait' ? `wait ${a.row.resource} ${a.row.name}` : `${a.row.resource} ${a.row.name}`;
}

export function renderPlan(plan: Plan): string {
  const lines = [`Plan for project ${plan.project}:`];
  for (const a of plan.actions) {
    const after = a.after.length > 0 ? `  after ${a.after.join(', ')}` : '';
    lines.push(`  ${a.id} ${sign(a)} ${subject(a)} (${a.reason})${after}`);
  }
  for (const u of plan.unchanged) lines.push(`     = container ${u.name}`);
  const count = (test: (a: Action) => boolean): number => plan.actions.filter(test).length;
  const creates = count(
    (a) => a.kind === 'create-network' || a.kind === 'create-volume' || (a.kind === 'create-container' && !a.replaces),
  );
  const recreates = count((a) => a.kind === 'create-container' && a.replaces !== undefined);
  // a start of a container this plan creates is part of the create; "to start" counts stopped containers
  const starts = count((a) => a.kind === 'start' && 'id' in a.container);
  const removes = count(
    (a) => a.kind === 'remove-container' || a.kind === 'remove-network' || a.kind === 'remove-volume',
  );
  // "N to restart" and "N to pull" only when there are some, so the summary of a plain stack stays as it was
  const restarts = count((a) => a.kind === 'restart');
  const pulls = count((a) => a.kind === 'pull');
  lines.push(
    `${pulls > 0 ? `${pulls} to pull, ` : ''}` +
      `${creates} to create, ${recreates} to recreate, ` +
      `${starts} to start, ${restarts > 0 ? `${restarts} to restart, ` : ''}` +
      `${removes} to remove, ${plan.unchanged.length} unchanged`,
  );
  for (const w of plan.warnings) lines.push(`WARN ${w}`);
  return `${lines.join('\n')}\n`;
}

export function planJson(plan: Plan): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}
