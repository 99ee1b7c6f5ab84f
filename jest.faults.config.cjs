/**
 * The fault suite (`npm run test:faults`): keygate as a real process under real faults (terminated
 * backends, a restarted or refusing database, a shared data dir, kill -9, hostile clients). Slow
 * and machine-heavy, so kept out of `npm test`; its files run one at a time.
 */
const base = require("./jest.config.cjs");

module.exports = {
  ...base,
  roots: ["<rootDir>/test/faults"],
  testPathIgnorePatterns: ["/node_modules/"],
  testTimeout: 180000,
};
