import type { KeyManager, KeyPort } from '../../../../lambda/ports/kms-port';
import { awsError } from '../aws-errors';
import { PortCalls } from './port-calls';

/** The KMS port, in memory: the keys KMS knows and who manages each; any other key is NotFoundException, as KMS answers. */
export class FakeKeys extends PortCalls<KeyPort> implements KeyPort {
  private readonly managers = new Map<string, KeyManager>();

  add(keyArn: string, manager: KeyManager): void {
    this.managers.set(keyArn, manager);
  }

  async keyManager(keyArn: string): Promise<KeyManager | undefined> {
    await this.enter('keyManager', [keyArn]);
    const manager = this.managers.get(keyArn);
    if (!manager) throw awsError('NotFoundException', `Key '${keyArn}' does not exist`);
    return manager;
  }
}
