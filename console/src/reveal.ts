import { h } from "./dom.js";

/*
 * Client secrets and key files are shown once: keygate stores only a hash of
 * a secret and only the public half of a key, so neither can be fetched again.
 * The box stays until dismissed, and nothing is kept after that.
 */

function revealBox(into: HTMLElement, title: string, warning: string, ...body: Node[]): void {
  const done = h("button", { type: "button", className: "quiet", textContent: "Done" });
  done.addEventListener("click", () => into.replaceChildren());
  into.replaceChildren(
    h(
      "div",
      { className: "reveal" },
      h("h3", {}, title),
      h("p", { className: "warning" }, h("strong", {}, "You will not see this again. "), warning),
      ...body,
      h("div", { className: "reveal-footer" }, done),
    ),
  );
}

export function revealSecret(into: HTMLElement, app: { name: string; clientId: string; clientSecret: string }): void {
  const secret = h("input", { id: "client-secret", readOnly: true, value: app.clientSecret, className: "mono", spellcheck: false });
  secret.setAttribute("aria-label", "Client secret");
  const copy = h("button", { type: "button", className: "primary", textContent: "Copy" });
  copy.addEventListener("click", () => void copyText(secret, copy));
  revealBox(
    into,
    `Client secret of ${app.name}`,
    "Copy the secret now and store it safely; keygate keeps only a hash of it.",
    h("p", {}, "Client ID ", h("code", { className: "mono" }, app.clientId)),
    h("div", { className: "copy-row" }, secret, copy),
  );
}

export function revealKey(into: HTMLElement, app: { name: string }, key: { id: string; json: Uint8Array }): void {
  const download = h("button", { type: "button", className: "primary", textContent: "Download key JSON" });
  download.addEventListener("click", () => downloadFile(`${key.id}.json`, key.json, "application/json"));
  revealBox(
    into,
    `New key of ${app.name}`,
    "Download the key file now; it holds the private key, which keygate does not keep.",
    h("p", {}, "Key ID ", h("code", { className: "mono" }, key.id)),
    h("div", { className: "copy-row" }, download),
  );
}

async function copyText(input: HTMLInputElement, button: HTMLButtonElement): Promise<void> {
  try {
    // Only in secure contexts (https or localhost).
    await navigator.clipboard.writeText(input.value);
    button.textContent = "Copied";
  } catch {
    input.focus();
    input.select();
    button.textContent = "Press Ctrl+C";
  }
}

function downloadFile(name: string, bytes: Uint8Array, type: string): void {
  const url = URL.createObjectURL(new Blob([new Uint8Array(bytes)], { type }));
  const link = h("a", { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  // Revoke after the click has started the download.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
