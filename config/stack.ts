// Reads this program's stack config. Kept apart from config/index.ts, which stays pure.
import * as pulumi from "@pulumi/pulumi";
import { GroupConfig, GroupConfigError, GroupSpec, parseGroupConfig, passwordProblems } from "./index";

export interface StackConfig {
    /** The `group` object as written, once validated: what the component takes. */
    spec: GroupSpec;
    /** The same with every default applied. */
    group: GroupConfig;
    /** The nodes' password as a secret; undefined when group.auth is false. */
    password: pulumi.Output<string> | undefined;
}

/** The validated `group` object and `password` secret; throws one error naming every bad key. */
export function loadStackConfig(config = new pulumi.Config()): StackConfig {
    const spec = config.getObject<GroupSpec>("group") ?? {};
    const group = parseGroupConfig(spec);
    // Read without unwrapping an Output, so it is checked before any resource exists.
    const raw = pulumi.runtime.getConfig(`${config.name}:password`);
    const problems = passwordProblems(raw, group.auth);
    if (problems.length > 0) {
        throw new GroupConfigError(problems.map((reason) => ({ propertyPath: `${config.name}:password`, reason })));
    }
    return { spec, group, password: group.auth && raw !== undefined ? pulumi.secret(raw) : undefined };
}
