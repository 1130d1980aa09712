/** Where a spec's trained weights live: SPEC.weights.json beside it (as the CLI's defaultWeightsPath). */
import * as path from 'node:path';

/**
 * SPEC.weights.json beside SPEC.rnn.yaml: from the spec's file name only, never from its contents
 * (`name: ../../ESCAPED` must not choose where the extension writes). `_name` is ignored.
 */
export function weightsPathFor(specPath: string, _name?: string | undefined): string {
  const stem = path.basename(specPath).replace(/(\.rnn)?\.(ya?ml|json)$/i, '') || 'spec';
  return path.join(path.dirname(specPath), `${stem}.weights.json`);
}
