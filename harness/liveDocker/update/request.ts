// The registration details newResource does not get (URN, parent, dependencies, property
// dependencies, deleteBeforeReplace, retainOnDelete, deletedWith, aliases), read off the
// RegisterResourceRequest.
// The mock monitor's registerResource calls mocks.newResource synchronously, before its first
// await (@pulumi/pulumi 3.270.0 runtime/mocks.js:101-115), so the request stashed just before that
// call is the one newResource sees first.
import * as pulumi from "@pulumi/pulumi";
import type { Registration } from "./types";

interface Request {
    getType(): string;
    getName(): string;
    getParent(): string;
    getDependenciesList(): string[];
    getPropertydependenciesMap(): { forEach(fn: (deps: { getUrnsList(): string[] }, key: string) => void): void };
    getDeletebeforereplace(): boolean;
    getDeletebeforereplacedefined(): boolean;
    getRetainondelete(): boolean;
    getDeletedwith(): string;
    getAliasesList(): Alias[];
    getAliasurnsList(): string[];
}

/** pulumirpc.Alias: a URN, or a spec whose empty fields mean "as the resource's" (proto/alias.proto). */
interface Alias {
    hasSpec(): boolean;
    getUrn(): string;
    getSpec(): AliasSpec | undefined;
}

interface AliasSpec {
    getName(): string;
    getType(): string;
    getStack(): string;
    getProject(): string;
    getParenturn(): string;
    getNoparent(): boolean;
}

interface MonitorPrototype {
    newUrn(parent: string, type: string, name: string): string;
    registerResource(req: Request, cb: unknown): unknown;
    __liveBackendWrapped?: boolean;
}

let stash: { type: string; name: string; reg: Registration } | undefined;
/** Also told of every registration: for tests that assert on options the mocks don't see. */
const listeners: ((type: string, name: string, reg: Registration) => void)[] = [];

/**
 * An alias spec as a URN, as the engine's collapseAliasToUrn makes it (pulumi/pulumi@0ac56e87
 * pkg/resource/deploy/step_generator.go:545-584):
 * name, type and parent default to the resource's, NoParent clears the parent, stack and project
 * count only without a parent. The SDK sends the resource's parent in a spec that names none
 * (runtime/resource.js mapAliasesForRequest). The URN is made by the mock monitor's newUrn, as the
 * resource's own URN is, so that the two agree. Not modelled: the engine swaps an alias's parent
 * for the URN that parent itself was aliased to (step_generator.go:563-568); update/alias.ts adds
 * the aliases a child inherits from an aliased parent (step_generator.go:636-647), which cover the
 * usual case.
 */
function aliasUrnOf(monitor: MonitorPrototype, req: Request, spec: AliasSpec): string {
    const parent = spec.getNoparent() ? "" : spec.getParenturn() || req.getParent();
    const type = spec.getType() || req.getType();
    const name = spec.getName() || req.getName();
    if (parent !== "") return monitor.newUrn(parent, type, name);
    return `urn:pulumi:${spec.getStack() || pulumi.getStack()}::${spec.getProject() || pulumi.getProject()}::${type}::${name}`;
}

function readRequest(monitor: MonitorPrototype, req: Request): Registration {
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps, key) => (propertyDependencies[key] = deps.getUrnsList()));
    const aliases = req.getAliasesList();
    const aliasUrns = [
        ...req.getAliasurnsList(), // the older form, still read by the engine (pulumi/pulumi@0ac56e87 source_eval.go:2266-2268)
        ...aliases.map((a) => (a.hasSpec() ? aliasUrnOf(monitor, req, a.getSpec()!) : a.getUrn())),
    ];
    return {
        urn: monitor.newUrn(req.getParent(), req.getType(), req.getName()),
        parent: req.getParent(),
        dependencies: req.getDependenciesList(),
        propertyDependencies,
        deleteBeforeReplace: req.getDeletebeforereplacedefined() ? req.getDeletebeforereplace() : undefined,
        retainOnDelete: req.getRetainondelete(),
        deletedWith: req.getDeletedwith() || undefined,
        aliasTypes: aliases.filter((a) => a.hasSpec()).map((a) => a.getSpec()?.getType() ?? ""),
        aliasUrns: [...new Set(aliasUrns)],
    };
}

/** Wraps MockMonitor.prototype.registerResource once per process, so every mock monitor stashes its requests. */
export function captureRegistrations(): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const proto = (require("@pulumi/pulumi/runtime/mocks") as { MockMonitor: { prototype: MonitorPrototype } }).MockMonitor.prototype;
    if (proto.__liveBackendWrapped) return;
    const original = proto.registerResource;
    proto.registerResource = function (this: MonitorPrototype, req: Request, cb: unknown) {
        stash = { type: req.getType(), name: req.getName(), reg: readRequest(this, req) };
        for (const listen of listeners) listen(stash.type, stash.name, stash.reg);
        return original.call(this, req, cb);
    };
    proto.__liveBackendWrapped = true;
}

/** Calls `listen` with every registration from now on (captureRegistrations wraps the monitor if it had not). */
export function onRegistration(listen: (type: string, name: string, reg: Registration) => void): void {
    captureRegistrations();
    listeners.push(listen);
}

/**
 * The registration behind this newResource call; for a call that did not come through the
 * monitor (a test calling newResource itself), a root-level URN and no options.
 */
export function takeRegistration(type: string, name: string): Registration {
    const s = stash;
    stash = undefined;
    if (s !== undefined && s.type === type && s.name === name) return s.reg;
    const urn = `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${type}::${name}`;
    return { urn, parent: "", dependencies: [], propertyDependencies: {}, retainOnDelete: false, aliasTypes: [], aliasUrns: [] };
}
