// The Jupyter messaging protocol's wire format (version 5.3): how a message is split into
// ZeroMQ frames and signed.
//   [routing identities..., "<IDS|MSG>", hmac, header, parent_header, metadata, content, buffers...]
// https://jupyter-client.readthedocs.io/en/stable/messaging.html#the-wire-protocol
import { createHmac, randomUUID } from 'node:crypto';

export const PROTOCOL_VERSION = '5.3';
const DELIMITER = '<IDS|MSG>';

export interface MessageHeader {
  msg_id: string;
  msg_type: string;
  session: string;
  username: string;
  date: string;
  version: string;
}

export interface Message<Content = Record<string, unknown>> {
  /** ZeroMQ routing identities: replies go back through the same ones. */
  identities: Buffer[];
  header: MessageHeader;
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: Content;
  buffers: Buffer[];
}

/** The connection file Jupyter writes for a kernel (`{connection_file}` in the kernelspec). */
export interface ConnectionInfo {
  ip: string;
  transport: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
}

export class Signer {
  private readonly algorithm: string;

  constructor(private readonly key: string, scheme = 'hmac-sha256') {
    // The scheme is "hmac-<hash>"; an empty key means messages are not signed.
    this.algorithm = scheme.replace(/^hmac-/, '');
  }

  sign(parts: readonly (string | Buffer)[]): string {
    if (!this.key) return '';
    const hmac = createHmac(this.algorithm, this.key);
    for (const part of parts) hmac.update(part);
    return hmac.digest('hex');
  }
}

/** Parses the frames of one incoming message; throws if the signature does not match. */
export function decode(frames: readonly Buffer[], signer: Signer): Message {
  const delimiter = frames.findIndex((f) => f.toString() === DELIMITER);
  if (delimiter < 0) throw new Error('message without the <IDS|MSG> delimiter');
  const [signature, header, parent, metadata, content, ...buffers] = frames.slice(delimiter + 1);
  if (!signature || !header || !parent || !metadata || !content) throw new Error('message with missing parts');
  const expected = signer.sign([header, parent, metadata, content]);
  if (expected !== signature.toString()) throw new Error('message with an invalid signature');
  return {
    identities: frames.slice(0, delimiter),
    header: JSON.parse(header.toString()),
    parent_header: JSON.parse(parent.toString()),
    metadata: JSON.parse(metadata.toString()),
    content: JSON.parse(content.toString()),
    buffers,
  };
}

export function encode(message: Message<unknown>, signer: Signer): (string | Buffer)[] {
  const parts = [
    JSON.stringify(message.header),
    JSON.stringify(message.parent_header),
    JSON.stringify(message.metadata),
    JSON.stringify(message.content),
  ];
  return [...message.identities, DELIMITER, signer.sign(parts), ...parts, ...message.buffers];
}

/** A new message in reply to (or caused by) `parent`, in the parent's session. */
export function childMessage<Content>(
  parent: Message<unknown>,
  msgType: string,
  content: Content,
  identities: Buffer[] = [],
): Message<Content> {
  return {
    identities,
    header: {
      msg_id: randomUUID(),
      msg_type: msgType,
      session: parent.header.session,
      username: parent.header.username,
      date: new Date().toISOString(),
      version: PROTOCOL_VERSION,
    },
    parent_header: parent.header,
    metadata: {},
    content,
    buffers: [],
  };
}
