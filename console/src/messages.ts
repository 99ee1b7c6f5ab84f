import { byId } from "./dom.js";
import { describeError } from "./errors.js";

/** The error and notice banners at the top of the page; one message at a time. */

export function showError(error: unknown): void {
  const banner = byId("error");
  banner.textContent = describeError(error);
  banner.hidden = false;
  byId("notice").hidden = true;
}

export function showNotice(text: string): void {
  const banner = byId("notice");
  banner.textContent = text;
  banner.hidden = false;
  byId("error").hidden = true;
}

export function clearMessages(): void {
  byId("error").hidden = true;
  byId("notice").hidden = true;
}

/**
 * Runs one user action: clears old messages, disables the control while the
 * call runs (no double submits), and shows any failure in words (in the
 * banner, unless `report` puts it elsewhere).
 */
export async function attempt(control: HTMLButtonElement | undefined, work: () => Promise<void>, report: (error: unknown) => void = showError): Promise<void> {
  clearMessages();
  if (control !== undefined) control.disabled = true;
  try {
    await work();
  } catch (error) {
    report(error);
  } finally {
    if (control !== undefined) control.disabled = false;
  }
}
