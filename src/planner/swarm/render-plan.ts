// A deploy plan as a person reads it, like `berth plan`: `+` create, `~` update (with the keys that changed),
// `-` remove, `=` unchanged; and the same as JSON for scripts, without the content of secrets and configs.
import type { SwarmAction, SwarmPlan } from './plan-deploy.js';

const SIGN: Record<SwarmAction['kind'], string> = {
  'create-network': '+',
  'create-secret': '+',
  'create-config': '+',
  'create-service': '+',
  'update-service': '~',
  'remove-service': '-',
  'remove-network': '-',
  'remove-secret': '-',
  'remove-config': '-',
};

export function renderSwarmPlan(plan: SwarmPlan): string {
  const lines = [`Deploy plan for stack ${plan.stack}:`];
  for (const a of plan.actions) {
    const what = a.kind.slice(a.kind.indexOf('-') + 1);
    lines.push(`  ${SIGN[a.kind]} ${what} ${a.resource} (${a.reason})`);
  }
  for (const name of plan.unchanged) lines.push(`  = service ${name}`);
  const count = (sign: string, what?: string): number =>
    plan.actions.filter((a) => SIGN[a.kind] === sign && (what === undefined || a.kind.endsWith(what))).length;
  lines.push(
    `services: ${count('+', 'service')} to create, ${count('~')} to update, ${count('-', 'service')} to remove, ` +
      `${plan.unchanged.length} unchanged`,
  );
  for (const w of plan.warnings) lines.push(`WARN ${w.message}${w.hint ? ` (hint: ${w.hint})` : ''}`);
  return `${lines.join('\n')}\n`;
}

export function swarmPlanJson(plan: SwarmPlan): string {
  const redacted = plan.actions.map((a) =>
    a.kind === 'create-secret' || a.kind === 'create-config' ? { ...a, object: { ...a.object, data: '(hidden)' } } : a,
  );
  return `${JSON.stringify({ ...plan, actions: redacted }, null, 2)}\n`;
}
