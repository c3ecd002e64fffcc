// Harness self-test: a suite with a failing test must give a non-zero exit code.
exports.run = async () => { console.log('0 passed, 1 failed'); throw new Error('1 integration test(s) failed'); };
