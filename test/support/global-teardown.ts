/** Jest's global teardown: removes the templates and stops the throwaway cluster of global-setup.ts. */
import "./global-setup.js";

export default async function globalTeardown(): Promise<void> {
  for (const step of globalThis.keygateTestCleanup?.steps ?? []) await step();
  globalThis.keygateTestCleanup = undefined;
}
