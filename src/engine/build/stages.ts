// Which stages of a multi-stage Dockerfile a build needs: the target and, transitively, the stages it names in FROM
// and COPY --from. Stages the target does not need are not built, as BuildKit does (dockerd's classic builder built
// them all).
import { EngineError } from '../errors.js';
import type { Dockerfile, Stage } from './dockerfile/index.js';
import { flagValue } from './image-settings.js';

/** The stage a name or index ("builder", "0") refers to among the stages before `before`, if any. */
export function stageByRef(df: Dockerfile, ref: string, before: number): Stage | undefined {
  const byName = df.stages.find((s) => s.index < before && s.name !== undefined && s.name === ref.toLowerCase());
  if (byName) return byName;
  if (/^\d+$/.test(ref)) {
    const s = df.stages[Number(ref)];
    return s !== undefined && s.index < before ? s : undefined;
  }
  return undefined;
}

/**
 * The stages to build for `target` (a stage name; default the last stage), in Dockerfile order. `fromImage`
 * expands a FROM's image with the global build args, so that `FROM ${BASE}` naming a stage is seen.
 */
export function neededStages(df: Dockerfile, target: string | undefined, fromImage: (s: Stage) => string): Stage[] {
  if (df.stages.length === 0) {
    throw new EngineError('invalid', 'ENGINE_DOCKERFILE_INVALID', `${df.file}: the Dockerfile has no FROM`, {
      hint: 'start the Dockerfile with FROM <image> (or FROM scratch)',
    });
  }
  let last = df.stages[df.stages.length - 1] as Stage;
  if (target !== undefined) {
    const found = df.stages.find((s) => s.name === target.toLowerCase());
    if (!found) {
      const names = df.stages.flatMap((s) => (s.name ? [s.name] : []));
      throw new EngineError('invalid', 'ENGINE_BUILD_TARGET', `target stage "${target}" could not be found`, {
        hint: names.length > 0 ? `the Dockerfile's stages are: ${names.join(', ')}` : 'the Dockerfile names no stage',
      });
    }
    last = found;
  }
  const needed = new Set<number>();
  const visit = (stage: Stage): void => {
    if (needed.has(stage.index)) return;
    needed.add(stage.index);
    const base = stageByRef(df, fromImage(stage), stage.index);
    if (base && !/^\d+$/.test(fromImage(stage))) visit(base);
    for (const ins of stage.instructions) {
      if (ins.kind !== 'COPY' && ins.kind !== 'ADD') continue;
      const from = flagValue(ins.flags, 'from');
      const source = from === undefined ? undefined : stageByRef(df, from, stage.index);
      if (source) visit(source);
    }
  };
  visit(last);
  return df.stages.filter((s) => needed.has(s.index));
}
