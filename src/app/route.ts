/**
 * The app's two pages: capture (the default) and the calibration wizard at #calibrate, so the wizard has a page
 * (and an address) of its own and the browser's back button returns to capture.
 */
export const WIZARD_HASH = '#calibrate';

export function openWizard(): void {
  if (location.hash !== WIZARD_HASH) location.hash = WIZARD_HASH;
}

export function closeWizard(): void {
  if (location.hash === WIZARD_HASH) location.hash = '';
}

export function onRoute(fn: (wizard: boolean) => void): () => void {
  const h = () => fn(location.hash === WIZARD_HASH);
  window.addEventListener('hashchange', h);
  return () => window.removeEventListener('hashchange', h);
}

export const isWizardRoute = (): boolean => location.hash === WIZARD_HASH;
