// The group config's validation as tests read it.
import * as assert from "assert";
import { GroupConfigError, parseGroupConfig } from "../../config";

/** The problems parseGroupConfig reports for raw, as "path: reason" lines; [] when it accepts raw. */
export function problemsOf(raw: unknown): string[] {
    try {
        parseGroupConfig(raw);
    } catch (err) {
        assert.ok(err instanceof GroupConfigError, `expected a GroupConfigError, got ${String(err)}`);
        return err.problems.map((p) => `${p.propertyPath}: ${p.reason}`);
    }
    return [];
}
