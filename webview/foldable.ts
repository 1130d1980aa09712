/**
 * A region that folds away under its title (the Weights and Training sections): a disclosure
 * button at the start of the heading, aria-expanded, everything but the heading hidden while
 * folded. The section is built once and kept, so the state survives re-renders; the caller keeps
 * it across reloads (PanelState.folded).
 */
import { el } from './dom';

export interface Foldable {
  /** Whether the section is open. */
  readonly open: boolean;
  setOpen(open: boolean): void;
}

/** Makes `section` foldable by a button in `heading` (its first child): `onToggle` hears each change. */
export function foldable(section: HTMLElement, heading: HTMLElement, name: string, open: boolean, onToggle: (open: boolean) => void): Foldable {
  const button = el('button', { class: 'fold', type: 'button', 'data-testid': `fold-${name}`, title: `Show or hide the ${name} section` }, el('span', { class: 'fold-mark', 'aria-hidden': 'true' }));
  heading.prepend(button);
  let isOpen = open;
  const apply = (): void => {
    section.classList.toggle('folded', !isOpen);
    button.setAttribute('aria-expanded', String(isOpen));
    button.setAttribute('aria-label', `${isOpen ? 'Hide' : 'Show'} ${name}`);
  };
  button.addEventListener('click', () => {
    isOpen = !isOpen;
    apply();
    onToggle(isOpen);
  });
  apply();
  return {
    get open() {
      return isOpen;
    },
    setOpen(o: boolean) {
      isOpen = o;
      apply();
    },
  };
}
