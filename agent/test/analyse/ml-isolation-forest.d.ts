// ml-isolation-forest 0.1.0 ships no types; only what the comparison test calls.
declare module 'ml-isolation-forest' {
  export class IsolationForest {
    constructor(options?: { nEstimators?: number });
    train(rows: number[][]): void;
    predict(rows: number[][]): number[];
  }
}
