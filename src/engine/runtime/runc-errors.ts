// Turns a failed runc run into an EngineError. runc runs with --log-format json, so each stderr line is
// {"level":"error","msg":"..."}; the last error line is the reason. The kind follows the words runc uses.
import { EngineError } from '../errors.js';
import type { ToolResult } from './run-tool.js';

/** The reason runc gave: the msg of its last error line, else its raw stderr. */
export function runcMessage(stderr: string): string {
  let message = '';
  for (const line of stderr.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    try {
      const entry = JSON.parse(trimmed) as { level?: string; msg?: string };
      if (entry.level === 'error' || entry.level === 'fatal') message = entry.msg ?? message;
    } catch {
      message = message || trimmed;
    }
  }
  return message || stderr.trim() || 'runc failed without a message';
}

/**
 * not-found (ENGINE_NO_SUCH_CONTAINER) for "container does not exist"; conflict (ENGINE_RUNTIME_STATE) when the
 * container is in the wrong state for the operation; internal (ENGINE_RUNTIME_FAILED) otherwise.
 */
export function runcError(command: string, id: string, result: ToolResult): EngineError {
  const message = runcMessage(result.stderr);
  const text = `runc ${command} ${id}: ${message}`;
  if (/does not exist|no such container/i.test(message)) {
    return new EngineError('not-found', 'ENGINE_NO_SUCH_CONTAINER', text);
  }
  if (
    /not running|not stopped|has stopped|is paused|not paused|already (exists|running|paused)|id already in use|container with id exists/i.test(
      message,
    )
  ) {
    return new EngineError('conflict', 'ENGINE_RUNTIME_STATE', text);
  }
  return new EngineError('internal', 'ENGINE_RUNTIME_FAILED', text);
}
