// `ts-node --transpile-only harness/clearCli.ts`: removes every container, network and volume a
// test labelled, from any earlier run. .ci/run calls it before the tests: a run killed on this
// machine (its engine with it) leaves containers that restart with the next engine, load the
// machine, and hold subnets and names.
import { removeLeftovers } from "./liveDocker/leftovers";

removeLeftovers(undefined).then(
    (removed) => {
        console.log(removed.length === 0 ? "leftovers: none" : `leftovers: removed ${removed.join("; ")}`);
        process.exit(0);
    },
    (err: Error) => {
        console.error(`leftovers: ${err.message}`);
        process.exit(1);
    },
);
