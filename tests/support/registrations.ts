// What the mock monitor's newResource doesn't see of a registration (dependencies, options),
// read off each request the SDK sends, by resource name.
interface RegisterRequest {
    getName(): string;
    getType(): string;
    getDependenciesList(): string[];
    getDeletebeforereplace(): boolean;
}

/** One registration's dependencies (URNs) and options. */
export interface Registration {
    type: string;
    dependencies: string[];
    deleteBeforeReplace: boolean;
}

const registrations = new Map<string, Registration>();
let installed = false;

/** Starts recording (once per process) and returns the record, by resource name. */
export function recordRegistrations(): Map<string, Registration> {
    if (!installed) {
        installed = true;
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as { MockMonitor: { prototype: Record<string, unknown> } };
        const original = MockMonitor.prototype.registerResource as (this: unknown, req: RegisterRequest, cb: unknown) => unknown;
        MockMonitor.prototype.registerResource = function (this: unknown, req: RegisterRequest, cb: unknown) {
            registrations.set(req.getName(), {
                type: req.getType(),
                dependencies: req.getDependenciesList(),
                deleteBeforeReplace: req.getDeletebeforereplace(),
            });
            return original.call(this, req, cb);
        };
    }
    return registrations;
}

/** The resource name at the end of a URN. */
export function nameOf(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}
