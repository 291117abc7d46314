// Docker's "local" volume driver options (DriverOpts type, device, o): a volume with options is a mount of
// `device` on its _data folder, as `mount -t <type> -o <o> <device> <_data>`; one without options is a plain
// folder. Mounting goes through util-linux `mount`, as Node has no mount(2).
import { EngineError } from '../errors.js';
import { isMounted, unmount } from '../runtime/overlay.js';
import { runTool } from '../runtime/run-tool.js';

export const LOCAL_DRIVER = 'local';

const VALID_OPTIONS = new Set(['type', 'device', 'o', 'size']);
// An option that needs others beside it (moby volume/local: mandatoryOpts).
const REQUIRED_WITH: Record<string, string[]> = { device: ['type'], type: ['device'], o: ['device', 'type'] };

/** Throws Docker's messages for options the local driver refuses; `{}` and absent are fine. */
export function checkDriverOptions(opts: Readonly<Record<string, string>>): void {
  for (const key of Object.keys(opts)) {
    if (!VALID_OPTIONS.has(key)) {
      throw new EngineError('invalid', 'ENGINE_VOLUME_OPTION', `invalid option key: "${key}"`, {
        hint: 'the local driver takes type, device and o, as mount(8) does',
      });
    }
  }
  if ('size' in opts) {
    throw new EngineError('invalid', 'ENGINE_VOLUME_OPTION', 'quota size requested but no quota support', {
      hint: 'for a size-limited volume use type=tmpfs,device=tmpfs,o=size=...',
    });
  }
  for (const [key, needed] of Object.entries(REQUIRED_WITH)) {
    if (!(key in opts)) continue;
    const missing = needed.find((n) => !(n in opts));
    if (missing !== undefined) {
      throw new EngineError('invalid', 'ENGINE_VOLUME_OPTION', `missing required option: "${missing}"`);
    }
  }
}

/** Whether the volume is a mount of a device on its _data folder rather than the folder itself. */
export function isDeviceVolume(opts: Readonly<Record<string, string>>): boolean {
  return typeof opts.type === 'string' && opts.type !== '';
}

/** Mounts the volume's device on `target` (its _data folder) unless it is mounted already. */
export async function mountDevice(opts: Readonly<Record<string, string>>, target: string): Promise<void> {
  if (await isMounted(target)) return;
  const args = ['-t', opts.type ?? 'none', ...(opts.o ? ['-o', opts.o] : []), opts.device ?? '', target];
  const r = await runTool('mount', args);
  if (r.code !== 0) {
    throw new EngineError(
      'invalid',
      'ENGINE_VOLUME_MOUNT',
      `error while mounting volume '${target}': failed to mount local volume: ${r.stderr.trim()}`,
      { hint: "check the volume's type, device and o options (docker volume inspect)" },
    );
  }
}

export async function unmountDevice(target: string): Promise<void> {
  await unmount(target);
}

/** Only the local driver exists; "" means it. Volume plugins are not supported. */
export function checkDriverName(name: string): void {
  if (name === '' || name === LOCAL_DRIVER) return;
  throw new EngineError(
    'invalid',
    'ENGINE_VOLUME_DRIVER',
    `error looking up volume plugin ${name}: plugin "${name}" not found`,
    { hint: 'berthd has the "local" volume driver only' },
  );
}
