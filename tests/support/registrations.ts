// What the mock monitor's newResource doesn't see of a registration (dependencies, options),
// read off each request the SDK sends (harness/liveDocker's capture), by resource name.
import { onRegistration } from "../../harness/liveDocker";

/** One registration's dependencies (URNs) and options. */
export interface Registration {
    type: string;
    dependencies: string[];
    /** The deleteBeforeReplace option; false when not set. */
    deleteBeforeReplace: boolean;
    /** The types its alias specs name. */
    aliasTypes: string[];
    /** URN of the resource its deletedWith option names, if any. */
    deletedWith?: string;
}

const registrations = new Map<string, Registration>();
let installed = false;

/** Starts recording (once per process) and returns the record, by resource name. */
export function recordRegistrations(): Map<string, Registration> {
    if (!installed) {
        installed = true;
        onRegistration((type, name, reg) =>
            registrations.set(name, {
                type,
                dependencies: reg.dependencies,
                deleteBeforeReplace: reg.deleteBeforeReplace ?? false,
                aliasTypes: reg.aliasTypes,
                deletedWith: reg.deletedWith,
            }),
        );
    }
    return registrations;
}

/** The resource name at the end of a URN. */
export function nameOf(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}
