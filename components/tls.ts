// The group's TLS material as the program handles it: the PEMs as one secret, checked before
// anything exists when they are known then (else by the preflight), and what a client of the
// group's own (the check, the live configuration, the rollout) connects with.
import * as pulumi from "@pulumi/pulumi";
import { GroupConfigError, GroupPlan, tlsProblems } from "../config";
import type { GroupTls } from "./args";
import { connectHost } from "./addresses";

/** The CA, the nodes' certificate and its key, as PEM. */
export interface TlsPem {
    ca: string;
    cert: string;
    key: string;
}

/** The PEMs as one secret, when the group has TLS; `late` when they are checked by the preflight. */
export interface TlsPemChoice {
    pem?: pulumi.Output<TlsPem>;
    late: boolean;
}

/** How a client of the group's own connects over TLS: the nodes' own certificate, and the name to check. */
export interface TlsClient extends TlsPem {
    /** The name the nodes' certificate is checked against; undefined: the address connected to. */
    serverName?: string;
}

/** What the nodes' certificate must name: serverName, or the addresses clients connect to (every host's, with several). */
export function namesToCover(plan: GroupPlan): string[] {
    if (plan.tls?.serverName !== undefined) return [plan.tls.serverName];
    return plan.hosts ? plan.hosts.filter((h) => !h.lost).map((h) => h.address) : [connectHost(plan)];
}

/**
 * The PEMs as one secret. Checked now when all three are known now (throwing every problem with
 * its property path); otherwise `late` is true and the preflight checks them.
 */
export function tlsPemOf(plan: GroupPlan, tls: GroupTls | undefined): TlsPemChoice {
    if (!plan.tls || !tls) return { late: false };
    const { ca, cert, key } = tls;
    if (typeof ca === "string" && typeof cert === "string" && typeof key === "string") {
        const problems = tlsProblems({ ca, cert, key }, namesToCover(plan));
        if (problems.length > 0) throw new GroupConfigError(problems);
        return { pem: pulumi.secret(pulumi.output({ ca, cert, key })), late: false };
    }
    return { pem: pulumi.secret(pulumi.all([ca, cert, key]).apply(([c, crt, k]) => ({ ca: c, cert: crt, key: k }))), late: true };
}

/** The client side of it, for the group's own tools. */
export function tlsClientOf(plan: GroupPlan, pem: pulumi.Output<TlsPem> | undefined): pulumi.Output<TlsClient> | undefined {
    return pem?.apply((p) => ({ ...p, serverName: plan.tls?.serverName }));
}
