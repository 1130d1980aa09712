/** What a training run reported to a panel, kept so a (re)loaded webview gets the whole loss curve. */
import type { TrainingProgressMessage, TrainingSampleMessage } from '../../protocol';

/** Loss-curve points kept; beyond, every other one goes (the last one always stays). */
const MAX_TRAINING_POINTS = 4000;

export class TrainingLog {
  private run: { progress: TrainingProgressMessage; points: [number, number][]; sample: TrainingSampleMessage | null } | null = null;

  record(m: TrainingProgressMessage | TrainingSampleMessage): void {
    if (m.type === 'trainingSample') {
      if (this.run) this.run.sample = m;
      return;
    }
    if (m.reset || !this.run) this.run = { progress: m, points: [], sample: null };
    this.run.progress = m;
    this.run.points.push(...m.points);
    if (this.run.points.length > MAX_TRAINING_POINTS) this.run.points = this.run.points.filter((_, i, all) => i % 2 === 0 || i === all.length - 1);
  }

  /** The messages that rebuild the training view from nothing: the whole curve, then the last sample. */
  replay(): (TrainingProgressMessage | TrainingSampleMessage)[] {
    if (!this.run) return [];
    const progress: TrainingProgressMessage = { ...this.run.progress, points: this.run.points, reset: true };
    return this.run.sample ? [progress, this.run.sample] : [progress];
  }
}
