/**
 * The part of the WebAssembly JavaScript API that pglite-code.ts uses. Node has it as a global; its
 * type declarations (before @types/node 22) and the ES libraries here do not.
 */
declare namespace WebAssembly {
  class Module {
    private readonly compiled: never;
  }
  function compile(bytes: Uint8Array): Promise<Module>;
}
