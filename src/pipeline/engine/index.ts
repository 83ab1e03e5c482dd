/** The flow engine: a pure state machine over the boundary types of `../types.ts`. */
export { startEngine, stepEngine } from './engine.js';
export type { ActiveAgent, MachineState, Wait } from './state.js';
