/**
 * Which hosts a lockfile's `resolved` URL may name for a package. `npm ci` (and yarn, pnpm, bun)
 * install from the URL the lockfile records, while the gate reads the copy on the registry the
 * base commit configures for the package's scope: a URL on another host is code the gate never
 * sees, whatever its layout, and without an `integrity` nothing ties the two copies together. So
 * only the configured registry's host and the mirrors the policy lists (`allowed-hosts`) pass,
 * as lockfile-lint's allowed-hosts check does.
 */
import { registryFor, type NpmrcConfig } from './npmrc.js';

/** npm's default when no registry is configured. */
export const PUBLIC_REGISTRY = 'https://registry.npmjs.org/';

/**
 * Hosts serving the public registry's tarballs under the same paths: yarn classic writes its own
 * host into lockfiles for packages npm resolves on registry.npmjs.org.
 */
export const PUBLIC_REGISTRY_HOSTS: readonly string[] = Object.freeze(['registry.npmjs.org', 'registry.yarnpkg.com']);

/** Says whether `host` (`host[:port]`, as `URL#host` gives it) may serve `name`'s tarballs. */
export type ResolvedHostCheck = (name: string, host: string) => boolean;

/**
 * `npmrc` is the effective config (the `registry` override applied); `allowedHosts` the policy's
 * list, already lower-case. Hosts compare with their port: two registries on one machine differ.
 */
export function createResolvedHostCheck(npmrc: NpmrcConfig, allowedHosts: readonly string[]): ResolvedHostCheck {
  const allowed = new Set(allowedHosts.map((host) => host.toLowerCase()));
  return (name, host) => {
    const wanted = host.toLowerCase();
    if (allowed.has(wanted)) return true;
    const registryHost = new URL(registryFor(npmrc, name) ?? PUBLIC_REGISTRY).host.toLowerCase();
    if (wanted === registryHost) return true;
    return PUBLIC_REGISTRY_HOSTS.includes(registryHost) && PUBLIC_REGISTRY_HOSTS.includes(wanted);
  };
}

/** The hosts `name` may come from, for messages: the configured registry's first. */
export function describeAllowedHosts(npmrc: NpmrcConfig, allowedHosts: readonly string[], name: string): string[] {
  const registryHost = new URL(registryFor(npmrc, name) ?? PUBLIC_REGISTRY).host.toLowerCase();
  const hosts = [registryHost, ...(PUBLIC_REGISTRY_HOSTS.includes(registryHost) ? PUBLIC_REGISTRY_HOSTS : []), ...allowedHosts];
  return [...new Set(hosts)];
}
