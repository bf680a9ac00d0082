'use strict';

module.exports = async function globalTeardown() {
  await globalThis.__HERALD_TEST_DB__?.stop();
};
