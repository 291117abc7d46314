// Checks the schema cannot express, run on the merged stack after profiles. Each returns every finding it has.
import type { Diagnostic } from '../../errors.js';
import type { TreeMap } from '../tree.js';
import { checkCycles } from './cycles.js';
import { checkPorts } from './ports.js';
import { checkReferences } from './references.js';
import { checkValues } from './values.js';

export function checkStack(tree: TreeMap): Diagnostic[] {
  return [...checkReferences(tree), ...checkCycles(tree), ...checkValues(tree), ...checkPorts(tree)];
}
