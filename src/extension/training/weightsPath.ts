/** Where a spec's trained weights live: NAME.weights.json beside it (as the CLI's defaultWeightsPath). */
import * as path from 'node:path';

/** NAME.weights.json beside the spec (NAME = the spec's name, else its file stem). */
export function weightsPathFor(specPath: string, name: string | undefined): string {
  const stem = name || path.basename(specPath).replace(/(\.rnn)?\.(ya?ml|json)$/i, '');
  return path.join(path.dirname(specPath), `${stem}.weights.json`);
}
