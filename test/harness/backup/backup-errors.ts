/**
 * Errors the local Backup endpoint answers with. The names are the exceptions
 * @aws-sdk/client-backup declares (read from its schema: AlreadyExistsException,
 * ConflictException, DependencyFailureException, InvalidParameterValueException,
 * InvalidRequestException, InvalidResourceStateException, LimitExceededException,
 * MissingParameterValueException, ResourceNotFoundException, ServiceUnavailableException), so the
 * SDK throws the matching class. ThrottlingException is not declared by Backup: the SDK then
 * throws a BackupServiceException named "ThrottlingException", which its retry strategy
 * classifies as throttling by name (THROTTLING_ERROR_CODES in @smithy/core/retry), as it also
 * does for LimitExceededException.
 */
export type BackupErrorCode =
  | 'AlreadyExistsException'
  | 'InvalidParameterValueException'
  | 'InvalidRequestException'
  | 'LimitExceededException'
  | 'MissingParameterValueException'
  | 'ResourceNotFoundException'
  | 'ServiceUnavailableException'
  | 'ThrottlingException'
  | 'UnknownOperationException';

/** Server faults in the Backup model carry no httpError trait, so they map to 500; client faults to 400. */
const SERVER_FAULTS: readonly string[] = ['ServiceUnavailableException', 'DependencyFailureException'];

export class BackupApiError extends Error {
  readonly httpStatus: number;

  constructor(
    readonly code: BackupErrorCode | string,
    message: string,
    httpStatus?: number,
  ) {
    super(message);
    this.httpStatus = httpStatus ?? (SERVER_FAULTS.includes(code) ? 500 : 400);
  }
}

export const notFound = (message: string) => new BackupApiError('ResourceNotFoundException', message);
export const invalidParameter = (message: string) => new BackupApiError('InvalidParameterValueException', message);
export const missingParameter = (message: string) => new BackupApiError('MissingParameterValueException', message);
export const invalidRequest = (message: string) => new BackupApiError('InvalidRequestException', message);
