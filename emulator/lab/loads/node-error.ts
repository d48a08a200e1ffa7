import { FencekitError } from '../../../src/errors.js';

/**
 * Why a node load cannot run here: not root (ENOTROOT), a tool it needs is not
 * installed (EMISSING: unshare, ip), or the kernel refuses new namespaces
 * (ENONS: a container without CAP_SYS_ADMIN, user namespaces only, …). The
 * message is one line a person can act on.
 *
 * Built as a usage error, then `code` is set to the node's own, as LabError does.
 */
export type NodeLoadErrorCode = 'ENOTROOT' | 'EMISSING' | 'ENONS';

export class NodeLoadError extends FencekitError {
  readonly nodeCode: NodeLoadErrorCode;
  constructor(code: NodeLoadErrorCode, message: string, options?: { cause?: unknown }) {
    super('EUSAGE', message, options);
    this.nodeCode = code;
    Object.defineProperty(this, 'code', { value: code, enumerable: true });
  }
}
