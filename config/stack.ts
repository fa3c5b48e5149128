// Reads this program's stack config. Kept apart from the rest of config/, which stays pure.
import * as pulumi from "@pulumi/pulumi";
import { assertPassword, GroupPlan, GroupSpec, parseGroupConfig } from "./index";

export interface StackConfig {
    /** The `group` object as written, once validated: what the component takes. */
    spec: GroupSpec;
    /** The same with every default applied. */
    plan: GroupPlan;
    /** The nodes' password as a secret; undefined when group.auth is false. */
    password: pulumi.Output<string> | undefined;
}

/** The validated `group` object and `password` secret; throws one error naming every bad key. */
export function loadStackConfig(config = new pulumi.Config()): StackConfig {
    const spec = config.getObject<GroupSpec>("group") ?? {};
    const plan = parseGroupConfig(spec);
    // Read without unwrapping an Output, so it is checked before any resource exists.
    const raw = pulumi.runtime.getConfig(`${config.name}:password`);
    assertPassword(raw, plan.auth, `${config.name}:password`);
    return { spec, plan, password: plan.auth && raw !== undefined ? pulumi.secret(raw) : undefined };
}
