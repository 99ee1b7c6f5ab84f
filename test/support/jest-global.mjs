// Jest loads a global setup and teardown outside its module system, without the transform's
// ".js"-to-".ts" mapping that the tests get; tsx loads them (and the sources they import) instead.
import { tsImport } from "tsx/esm/api";

const load = async (file) => (await tsImport(file, import.meta.url)).default;

export const setup = async (...args) => (await load("./global-setup.ts"))(...args);
export const teardown = async (...args) => (await load("./global-teardown.ts"))(...args);
