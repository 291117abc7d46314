// What runs, as the planner reads it: the types of src/client/observe.ts, where the shell observes the engine.
export type { Observed, ObservedContainer, ObservedNetwork, ObservedVolume } from '../client/observe.js';
