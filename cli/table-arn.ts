/** `arn:aws:dynamodb:<region>:<account>:table/<name>` -> `<name>`. */
export function tableNameFromArn(arn: string): string {
  return arn.slice(arn.indexOf(':table/') + ':table/'.length);
}
