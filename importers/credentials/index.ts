export {
  CREDENTIAL_FIELDS, CredentialsError, credentialFormatFor, parseCredentialRecords, validateCredentialRecords,
  type CredentialField, type CredentialFormat, type CredentialIssue, type CredentialParseResult, type CredentialRecord,
} from './parse-credentials';
export {
  credentialsToBundle, domainNameId, isAgentAccount, isWithinDomain, loginDomain, userAccountId,
  type CredentialsOptions,
} from './credentials-to-bundle';
