/**
 * The host's ledger of trace builds, per spec key: the build the spec's front-ends follow, the one
 * under way, the last that ended, and the cancel flags shared with the worker (slot
 * build % CANCEL_SLOTS holds a cancelled build's id; the worker's build reads it between slices).
 * Build ids only grow. No vscode here: the client (client.ts) owns the transport.
 */
import type { Joined } from './events';
import { CANCEL_SLOTS } from './messages';

/** The ledger's view of a spec before a text is sent (restored when the worker does not rebuild). */
export interface BuildsBefore {
  latest: number | undefined;
  building: number | undefined;
}

/** What a build's messages (progress, built, buildFailed) name. */
export interface BuildRef {
  key: string;
  build: number;
}

export class BuildLedger {
  /** The flags' memory, handed to the worker when it starts. */
  readonly flagsBuffer = new SharedArrayBuffer(4 * CANCEL_SLOTS);
  private readonly flags = new Int32Array(this.flagsBuffer);
  private nextBuild = 1;
  /** The latest build asked for, per spec key (cancelled when a newer one supersedes it). */
  private readonly latest = new Map<string, number>();
  private readonly building = new Map<string, number>();
  /** The last build of each spec that ended (built or failed). */
  private readonly ended = new Map<string, number>();

  /** A new build of the spec, now the one to follow; `supersede` cancels the one followed before. */
  newBuild(key: string, supersede = true): number {
    const previous = this.latest.get(key);
    if (supersede && previous !== undefined) this.flag(previous);
    const build = this.nextBuild++;
    Atomics.store(this.flags, build % CANCEL_SLOTS, 0);
    this.latest.set(key, build);
    this.building.set(key, build);
    return build;
  }

  /** Stops the spec's build under way (if any). */
  cancel(key: string): boolean {
    const b = this.building.get(key);
    if (b === undefined) return false;
    this.flag(b);
    return true;
  }

  isBuilding(key: string): boolean {
    return this.building.has(key);
  }

  /** The build the spec's front-ends wait for (or last got): after a join, the one they joined. */
  latestBuild(key: string): number | undefined {
    return this.latest.get(key);
  }

  before(key: string): BuildsBefore {
    return { latest: this.latest.get(key), building: this.building.get(key) };
  }

  /**
   * The worker did not rebuild for `build` (0: none was asked): the text was the one already built
   * or building, so the build under way before stays the one to follow, unless it ended while the
   * reply was on its way.
   */
  notRebuilt(key: string, build: number, before: BuildsBefore): void {
    if (build && this.latest.get(key) === build) restore(this.latest, key, before.latest);
    if (this.building.get(key) !== build) return;
    const ended = before.building !== undefined && (this.ended.get(key) ?? -1) >= before.building;
    restore(this.building, key, ended ? undefined : before.building);
    // A cancel asked while this reply was on its way named this build: it meant the one running.
    if (build && before.building !== undefined && !ended && Atomics.load(this.flags, build % CANCEL_SLOTS) === build) this.flag(before.building);
  }

  /** Whether a build's progress is news (it is the build followed). */
  progress(m: BuildRef): boolean {
    return this.latest.get(m.key) === m.build;
  }

  /** A build ended (built or failed). Returns whether it was the build followed. */
  end(m: BuildRef): boolean {
    this.ended.set(m.key, Math.max(m.build, this.ended.get(m.key) ?? -1));
    if (this.building.get(m.key) === m.build) this.building.delete(m.key);
    return this.latest.get(m.key) === m.build;
  }

  /** The attach's build is the one under way: its progress and its end are the ones to follow. */
  joined(m: Pick<Joined, 'key' | 'build' | 'into'>): void {
    if (this.latest.get(m.key) === m.build) this.latest.set(m.key, m.into);
    if (this.building.get(m.key) === m.build) this.building.set(m.key, m.into);
  }

  /** The worker stopped: every build under way ended with it. Returns them, by spec key. */
  stopAll(): [string, number][] {
    const under = [...this.building];
    this.building.clear();
    return under;
  }

  private flag(build: number): void {
    Atomics.store(this.flags, build % CANCEL_SLOTS, build);
  }
}

/** Sets map[key] back to what it was (absent when it was). */
function restore(map: Map<string, number>, key: string, value: number | undefined): void {
  if (value === undefined) map.delete(key);
  else map.set(key, value);
}
