// Checks the schema cannot express, run on the merged stack after profiles. Each returns every finding it has.
import type { Diagnostic } from '../../errors.js';
import type { TreeMap } from '../tree.js';
import { checkCycles } from './cycles.js';
import { checkDevelop } from './develop.js';
import { checkImageOrBuild } from './image-or-build.js';
import { checkImages } from './images.js';
import { checkPorts } from './ports.js';
import { checkReferences } from './references.js';
import { checkValues } from './values.js';

/** `disabled`: services that profiles left out; a reference to one is reported by applyProfiles, not here. */
export function checkStack(tree: TreeMap, disabled: readonly string[] = []): Diagnostic[] {
  return [
    ...checkReferences(tree, disabled),
    ...checkImageOrBuild(tree),
    ...checkCycles(tree),
    ...checkValues(tree),
    ...checkPorts(tree),
    ...checkImages(tree),
    ...checkDevelop(tree),
  ];
}
