// The preflight's dynamic provider: its check, which the engine runs for every registration, in
// preview too, finds every problem with what the group is about to create (a password known only
// now, host ports, subnets, names, images) and fails with all of them, before any other resource of
// the group exists: every other one depends on it.
//
// Serialization (see docs/development.md#serialized-providers): modules are required inside
// functions, and no module-level const is exported.
import type * as pulumi from "@pulumi/pulumi";
import { problemsMessage } from "../../config/problemText";
import { newId } from "../redisOps/providerParts";
import { dockerFacts, imageFacts, listenerProblems } from "./facts";
import { imageProblems, nameProblems, networkProblems, passwordFailures, portProblems, restoreProblems, tlsFailures } from "./problems";
import type { PreflightInputs } from "./types";

export const preflightProvider: pulumi.dynamic.ResourceProvider<PreflightInputs, Omit<PreflightInputs, "password" | "tls">> = {
    async check(olds, news) {
        const facts = await dockerFacts(news.docker);
        const problems = [
            ...passwordFailures(news),
            ...tlsFailures(news),
            ...portProblems(news, facts),
            ...(await listenerProblems(news, facts)),
            ...imageProblems(news, await imageFacts(news)),
            ...networkProblems(news, facts),
            ...nameProblems(news, facts),
            ...restoreProblems(olds, news, facts),
        ];
        if (problems.length > 0) throw new Error(problemsMessage(problems));
        return { inputs: news };
    },
    async diff() {
        // Nothing to change: the check runs again on every `up`.
        return { changes: false };
    },
    async create(inputs) {
        const { password: _password, tls: _tls, ...outs } = inputs;
        return { id: newId("preflight"), outs };
    },
};
