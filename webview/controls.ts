/**
 * The stepper's controls: to start, step back, play/pause, step forward, to end, and the play
 * speed; the same from the keyboard. Play sends `step` at the chosen interval and stops at the end.
 */
import type { Cursor, WebviewMessage } from '../src/protocol';
import { el, icon } from './dom';
import { dropdown, iconButton } from './toolkit';

const ICONS = {
  start: 'M3 3h1.5v10H3zM13 3v10L5.5 8z',
  back: 'M12 3v10L4.5 8z',
  play: 'M4.5 3v10L12.5 8z',
  pause: 'M4 3h3v10H4zM9 3h3v10H9z',
  forward: 'M4 3v10l7.5-5z',
  end: 'M11.5 3H13v10h-1.5zM3 3v10l7.5-5z',
  phase: 'M2 5h9V2.5L14.5 6 11 9.5V7H2zM14 11H5V8.5L1.5 12 5 15.5V13h9z',
};

export const SPEEDS = [
  { value: '1000', label: '1 step/s' },
  { value: '500', label: '2 steps/s' },
  { value: '250', label: '4 steps/s' },
  { value: '100', label: '10 steps/s' },
];

export interface Controls {
  element: HTMLElement;
  /** The cursor the host last reported. */
  update(cursor: Cursor): void;
  /** Handles a key from anywhere in the panel; true if it was one of ours. */
  onKey(e: KeyboardEvent): boolean;
  readonly playing: boolean;
  stop(): void;
  /** Sets the play interval (ms) from outside, e.g. the bptt.playSpeed setting. */
  setSpeed(ms: string): void;
}

const atEnd = (c: Cursor | null): boolean => c !== null && c.phase === 'backward' && c.t === 1;

export function controls(send: (m: WebviewMessage) => void, speed: string, onSpeed: (v: string) => void): Controls {
  let cursor: Cursor | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  let interval = Number(speed) || 500;
  /** A step was sent and its snapshot has not come back: do not queue more. */
  let waiting = false;

  const playIcon = (playing: boolean): SVGElement => icon(playing ? ICONS.pause : ICONS.play);
  const buttons = {
    start: iconButton({ label: 'To start', title: 'To start: first forward step (Home)', icon: icon(ICONS.start), testid: 'btn-start' }),
    back: iconButton({ label: 'Step back', title: 'Step back (←)', icon: icon(ICONS.back), testid: 'btn-back' }),
    play: iconButton({ label: 'Play', title: 'Play (Space)', icon: playIcon(false), testid: 'btn-play' }),
    forward: iconButton({ label: 'Step forward', title: 'Step forward (→)', icon: icon(ICONS.forward), testid: 'btn-forward' }),
    end: iconButton({ label: 'To end', title: 'To end: last backward step, t = 1 (End)', icon: icon(ICONS.end), testid: 'btn-end' }),
    phase: iconButton({ label: 'Switch phase', title: 'Switch phase: the same t in the other pass (P)', icon: icon(ICONS.phase), testid: 'btn-phase' }),
  };

  function step(delta: number): void {
    waiting = true;
    send({ type: 'step', delta });
  }
  function setPlaying(on: boolean): void {
    if (timer) clearInterval(timer);
    timer = null;
    if (on) {
      if (atEnd(cursor)) send({ type: 'jump', to: 'start' });
      timer = setInterval(() => {
        if (atEnd(cursor)) return setPlaying(false);
        if (!waiting) step(1);
      }, interval);
    }
    buttons.play.replaceChildren(playIcon(on));
    buttons.play.setAttribute('aria-label', on ? 'Pause' : 'Play');
    buttons.play.title = on ? 'Pause (Space)' : 'Play (Space)';
    buttons.play.dataset.playing = String(on);
  }

  buttons.start.addEventListener('click', () => send({ type: 'jump', to: 'start' }));
  buttons.back.addEventListener('click', () => step(-1));
  buttons.play.addEventListener('click', () => setPlaying(timer === null));
  buttons.forward.addEventListener('click', () => step(1));
  buttons.end.addEventListener('click', () => send({ type: 'jump', to: 'end' }));
  buttons.phase.addEventListener('click', () => cursor && send({ type: 'jump', to: { phase: cursor.phase === 'forward' ? 'backward' : 'forward', t: cursor.t } }));

  const speedBox = dropdown({
    label: 'Play speed',
    title: 'Play speed',
    testid: 'speed',
    options: SPEEDS,
    value: String(interval),
    onChange: (v) => {
      interval = Number(v) || 500;
      onSpeed(String(interval));
      if (timer) setPlaying(true);
    },
  });

  const element = el('div', { class: 'controls', role: 'toolbar', 'aria-label': 'Stepper controls', 'data-testid': 'controls' },
    buttons.start, buttons.back, buttons.play, buttons.forward, buttons.end, buttons.phase, speedBox);

  return {
    element,
    update(c: Cursor): void {
      cursor = c;
      waiting = false;
      if (timer && atEnd(c)) setPlaying(false);
    },
    onKey(e: KeyboardEvent): boolean {
      if (e.altKey || e.ctrlKey || e.metaKey) return false;
      const target = e.target as HTMLElement | null;
      const inWidget = !!target?.closest?.('vscode-dropdown, input, textarea, select');
      if (inWidget) return false;
      switch (e.key) {
        case 'ArrowRight':
          step(1);
          return true;
        case 'ArrowLeft':
          step(-1);
          return true;
        case 'Home':
          send({ type: 'jump', to: 'start' });
          return true;
        case 'End':
          send({ type: 'jump', to: 'end' });
          return true;
        case ' ':
          // A focused button answers Space itself (click); do not toggle twice.
          if (target?.closest?.('vscode-button, button')) return false;
          setPlaying(timer === null);
          return true;
        default:
          return false;
      }
    },
    get playing() {
      return timer !== null;
    },
    stop: () => setPlaying(false),
    setSpeed(ms: string): void {
      if (!SPEEDS.some((s) => s.value === ms)) return;
      interval = Number(ms);
      // The option's `selected` too: the dropdown may not be in the page yet (settings arrive before the first trace).
      for (const o of speedBox.querySelectorAll('vscode-option')) o.toggleAttribute('selected', o.getAttribute('value') === ms);
      (speedBox as HTMLElement & { value: string }).value = ms;
      if (timer) setPlaying(true);
    },
  };
}
