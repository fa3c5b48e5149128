// mocha's spec reporter, plus the tier's counts written to $TIER_RESULT_FILE for tests/run.js.
const fs = require("fs");
const Mocha = require("mocha");

class TierReporter extends Mocha.reporters.Spec {
    constructor(runner, options) {
        super(runner, options);
        runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
            const file = process.env.TIER_RESULT_FILE;
            if (!file) return;
            const { passes, failures, pending } = this.stats;
            fs.writeFileSync(file, JSON.stringify({ passes, failures, pending }));
        });
    }
}
module.exports = TierReporter;
