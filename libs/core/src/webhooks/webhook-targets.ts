// Keeps webhooks off loopback, private, link-local and metadata addresses: at registration, and again
// for the very address each delivery connects to.
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, LookupFunction } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { InvalidInput } from '@app/common';
import { AppConfig } from '@app/config';
import { BlockedRange, blockedRange, isLocalhostName } from './target-address';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Every address a host name resolves to. */
export type ResolveHost = (hostname: string) => Promise<ResolvedAddress[]>;

/** The resolver WebhookTargets uses: the system's, replaced in tests (a public-looking name resolving to loopback). */
export const WEBHOOK_HOST_RESOLVER = Symbol('WEBHOOK_HOST_RESOLVER');

export const systemResolver: ResolveHost = (hostname) => dnsLookup(hostname, { all: true });

/** How long registration waits for DNS; a name that does not answer in time is checked at delivery. */
const REGISTRATION_LOOKUP_MS = 3000;

/** The one message for every refused target: it says nothing about which internal range or port. */
export const BLOCKED_TARGET_MESSAGE = 'the endpoint is, or resolves to, an address webhooks may not reach (loopback, private, link-local, metadata or reserved)';

/** A delivery's target that must not be reached; raised before any connection is made. */
export class BlockedTargetError extends Error {
  readonly code = 'EWEBHOOKTARGET';
  constructor(readonly range: BlockedRange) {
    super(BLOCKED_TARGET_MESSAGE);
    this.name = 'BlockedTargetError';
  }
}

const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1');

@Injectable()
export class WebhookTargets {
  readonly allowPrivate: boolean;
  private readonly resolve: ResolveHost;

  constructor(config: AppConfig, @Inject(WEBHOOK_HOST_RESOLVER) resolve: ResolveHost) {
    this.allowPrivate = config.webhookAllowPrivateTargets;
    this.resolve = resolve;
  }

  /**
   * At registration: an http(s) URL without credentials whose host is not, and does not now resolve
   * to, a blocked address; else 400 on `url`. A name that does not resolve yet is accepted: every
   * delivery checks again what it connects to.
   */
  async vetUrl(raw: string): Promise<void> {
    const refuse = (message: string) => new InvalidInput('The webhook URL is not allowed.', [{ path: 'url', message }]);
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      throw refuse('url must be an http(s) URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw refuse('url must be an http(s) URL');
    if (url.username || url.password) throw refuse('url must not carry credentials');
    if (this.allowPrivate) return;
    if (this.literalRange(url)) throw refuse(`url must reach a public internet address: ${BLOCKED_TARGET_MESSAGE}`);
    if (isIP(hostOf(url))) return;
    const addresses = await this.resolveWithin(hostOf(url), REGISTRATION_LOOKUP_MS);
    if (addresses.some((a) => blockedRange(a.address))) throw refuse(`url must reach a public internet address: ${BLOCKED_TARGET_MESSAGE}`);
  }

  /**
   * Checks what needs no resolving: an IP address as the host (sockets connect to it without a lookup)
   * or a localhost name. Null when the host may be tried; always null with private targets allowed.
   */
  literalRange(url: URL): BlockedRange | null {
    if (this.allowPrivate) return null;
    const host = hostOf(url);
    if (isIP(host)) return blockedRange(host);
    return isLocalhostName(host) ? 'loopback' : null;
  }

  /**
   * The socket's lookup: resolves the name, refuses when ANY address is blocked (a name that answers
   * with one public and one private address must not get a second chance), and hands the socket only
   * the addresses it checked, so what it connects to is what was vetted.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.resolve(hostname).then(
      (all) => {
        if (!this.allowPrivate) {
          const blocked = all.map((a) => blockedRange(a.address)).find((r) => r !== null);
          if (blocked) {
            callback(new BlockedTargetError(blocked), '', 0);
            return;
          }
        }
        const wanted = options.family === 4 || options.family === 6 ? all.filter((a) => a.family === options.family) : all;
        if (!wanted.length) {
          callback(Object.assign(new Error(`no address found for the endpoint's host`), { code: 'ENOTFOUND' }), '', 0);
          return;
        }
        if (options.all) callback(null, wanted);
        else callback(null, wanted[0].address, wanted[0].family);
      },
      (err: NodeJS.ErrnoException) => callback(err, '', 0),
    );
  };

  private async resolveWithin(hostname: string, ms: number): Promise<ResolvedAddress[]> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ResolvedAddress[]>((resolve) => {
      timer = setTimeout(() => resolve([]), ms);
    });
    try {
      return await Promise.race([this.resolve(hostname).catch(() => []), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
