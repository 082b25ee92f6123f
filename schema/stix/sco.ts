/**
 * The 18 STIX 2.1 Cyber-observable Objects (spec §6) with their predefined extensions (§6.x.2).
 */
import { Type, type Static, type TProperties } from '@sinclair/typebox';
import {
  Binary,
  Dictionary,
  Extensions as extensionsWith,
  Hashes,
  Hex,
  List,
  PROPERTY_RULES,
  StringList,
  Timestamp,
  Url,
  cappedString,
  identifierOf,
} from './common';
import { atLeastOneOf, notBoth, requires, scoSchema } from './core';

const Str = Type.Optional(Type.String());
const Int = Type.Optional(Type.Integer());
const NonNegInt = Type.Optional(Type.Integer({ minimum: 0 }));
const Bool = Type.Optional(Type.Boolean());
const Time = Type.Optional(Timestamp);

function refs(...types: string[]) {
  return Type.Optional(List(identifierOf(...types)));
}
function ref(...types: string[]) {
  return Type.Optional(identifierOf(...types));
}
/** A predefined extension body: its own properties, STIX property rules, not empty. */
function extension<P extends TProperties>(props: P, constraints: Record<string, unknown>[] = []) {
  return Type.Object(props, {
    ...PROPERTY_RULES,
    minProperties: 1,
    ...(constraints.length > 0 ? { allOf: constraints } : {}),
  });
}
function enumOf<T extends string>(values: readonly T[]) {
  return Type.Union(values.map((v) => Type.Literal(v)));
}
function anyOfProps(props: TProperties) {
  return atLeastOneOf(...Object.keys(props));
}

export const ENCRYPTION_ALGORITHMS = ['AES-256-GCM', 'ChaCha20-Poly1305', 'mime-type-indicated'] as const;

export const Artifact = scoSchema(
  'artifact',
  {
    mime_type: Str,
    payload_bin: Type.Optional(Binary),
    url: Type.Optional(Url),
    hashes: Type.Optional(Hashes),
    encryption_algorithm: Type.Optional(enumOf(ENCRYPTION_ALGORITHMS)),
    decryption_key: Str,
  },
  [
    atLeastOneOf('payload_bin', 'url'),
    notBoth('payload_bin', 'url'),
    requires('url', 'hashes'),
    requires('decryption_key', 'encryption_algorithm'),
  ],
);
export type Artifact = Static<typeof Artifact>;

export const AutonomousSystem = scoSchema('autonomous-system', {
  number: Type.Integer(),
  name: Str,
  rir: Str,
});
export type AutonomousSystem = Static<typeof AutonomousSystem>;

export const Directory = scoSchema('directory', {
  path: Type.String(),
  path_enc: Str,
  ctime: Time,
  mtime: Time,
  atime: Time,
  contains_refs: refs('file', 'directory'),
});
export type Directory = Static<typeof Directory>;

export const DomainName = scoSchema('domain-name', {
  value: Type.String(),
  resolves_to_refs: refs('ipv4-addr', 'ipv6-addr', 'domain-name'),
});
export type DomainName = Static<typeof DomainName>;

export const EmailAddr = scoSchema('email-addr', {
  value: Type.String({ maxLength: 320, if: { maxLength: 320 }, then: { format: 'email' } }),
  display_name: Str,
  belongs_to_ref: ref('user-account'),
});
export type EmailAddr = Static<typeof EmailAddr>;

export const MimePart = Type.Object(
  {
    body: Str,
    body_raw_ref: ref('artifact', 'file'),
    content_type: Str,
    content_disposition: Str,
  },
  { allOf: [atLeastOneOf('body', 'body_raw_ref'), notBoth('body', 'body_raw_ref')] },
);

export const EmailMessage = scoSchema(
  'email-message',
  {
    is_multipart: Type.Boolean(),
    date: Time,
    content_type: Str,
    from_ref: ref('email-addr'),
    sender_ref: ref('email-addr'),
    to_refs: refs('email-addr'),
    cc_refs: refs('email-addr'),
    bcc_refs: refs('email-addr'),
    message_id: Str,
    subject: Str,
    received_lines: Type.Optional(StringList),
    additional_header_fields: Type.Optional(
      Dictionary(Type.Union([Type.String(), List(Type.String())])),
    ),
    body: Str,
    body_multipart: Type.Optional(List(MimePart)),
    raw_email_ref: ref('artifact'),
  },
  [
    { if: { properties: { is_multipart: { const: true } } }, then: { not: { required: ['body'] } } },
    {
      if: { properties: { is_multipart: { const: false } } },
      then: { not: { required: ['body_multipart'] } },
    },
  ],
);
export type EmailMessage = Static<typeof EmailMessage>;

const NtfsExt = extension(
  {
    sid: Str,
    alternate_data_streams: Type.Optional(
      List(Type.Object({ name: Type.String(), hashes: Type.Optional(Hashes), size: NonNegInt })),
    ),
  },
  [atLeastOneOf('sid', 'alternate_data_streams')],
);
const rasterImageProps = {
  image_height: Int,
  image_width: Int,
  bits_per_pixel: Int,
  exif_tags: Type.Optional(Dictionary(Type.Union([Type.String(), Type.Integer()]))),
};
const RasterImageExt = extension(rasterImageProps, [anyOfProps(rasterImageProps)]);
const pdfProps = {
  version: Str,
  is_optimized: Bool,
  document_info_dict: Type.Optional(Dictionary(Type.String())),
  pdfid0: Str,
  pdfid1: Str,
};
const PdfExt = extension(pdfProps, [anyOfProps(pdfProps)]);
const ArchiveExt = extension({
  contains_refs: List(identifierOf('file', 'directory')),
  comment: Str,
});
const WindowsPeOptionalHeader = Type.Object(
  {
    magic_hex: Type.Optional(Hex),
    major_linker_version: Int,
    minor_linker_version: Int,
    size_of_code: NonNegInt,
    size_of_initialized_data: NonNegInt,
    size_of_uninitialized_data: NonNegInt,
    address_of_entry_point: Int,
    base_of_code: Int,
    base_of_data: Int,
    image_base: Int,
    section_alignment: Int,
    file_alignment: Int,
    major_os_version: Int,
    minor_os_version: Int,
    major_image_version: Int,
    minor_image_version: Int,
    major_subsystem_version: Int,
    minor_subsystem_version: Int,
    win32_version_value_hex: Type.Optional(Hex),
    size_of_image: NonNegInt,
    size_of_headers: NonNegInt,
    checksum_hex: Type.Optional(Hex),
    subsystem_hex: Type.Optional(Hex),
    dll_characteristics_hex: Type.Optional(Hex),
    size_of_stack_reserve: NonNegInt,
    size_of_stack_commit: NonNegInt,
    size_of_heap_reserve: NonNegInt,
    size_of_heap_commit: NonNegInt,
    loader_flags_hex: Type.Optional(Hex),
    number_of_rva_and_sizes: Int,
    hashes: Type.Optional(Hashes),
  },
  { minProperties: 1, additionalProperties: false },
);
const peProps = {
  pe_type: Type.String({ description: 'windows-pebinary-type-ov' }),
  imphash: Str,
  machine_hex: Type.Optional(Hex),
  number_of_sections: NonNegInt,
  time_date_stamp: Time,
  pointer_to_symbol_table_hex: Type.Optional(Hex),
  number_of_symbols: NonNegInt,
  size_of_optional_header: NonNegInt,
  characteristics_hex: Type.Optional(Hex),
  file_header_hashes: Type.Optional(Hashes),
  optional_header: Type.Optional(WindowsPeOptionalHeader),
  sections: Type.Optional(
    List(
      Type.Object({
        name: Type.String(),
        size: NonNegInt,
        entropy: Type.Optional(Type.Number()),
        hashes: Type.Optional(Hashes),
      }),
    ),
  ),
};
const WindowsPeBinaryExt = extension(peProps);

export const File = scoSchema(
  'file',
  {
    extensions: Type.Optional(
      extensionsWith({
        'ntfs-ext': NtfsExt,
        'raster-image-ext': RasterImageExt,
        'pdf-ext': PdfExt,
        'archive-ext': ArchiveExt,
        'windows-pebinary-ext': WindowsPeBinaryExt,
      }),
    ),
    hashes: Type.Optional(Hashes),
    size: NonNegInt,
    name: Str,
    name_enc: Str,
    magic_number_hex: Type.Optional(Hex),
    mime_type: Str,
    ctime: Time,
    mtime: Time,
    atime: Time,
    parent_directory_ref: ref('directory'),
    contains_refs: Type.Optional(List(Type.String())),
    content_ref: ref('artifact'),
  },
  [atLeastOneOf('hashes', 'name')],
);
export type File = Static<typeof File>;

// Dotted quad with optional CIDR suffix; each octet 0–255 without leading zeros.
const OCTET = '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])';
export const Ipv4Addr = scoSchema('ipv4-addr', {
  value: cappedString(18, `^${OCTET}(?:\\.${OCTET}){3}(?:/(?:3[0-2]|[12]?[0-9]))?$`, {
    description: 'an IPv4 address (dotted quad) with an optional /0–32 CIDR suffix',
  }),
  resolves_to_refs: refs('mac-addr'),
  belongs_to_refs: refs('autonomous-system'),
});
export type Ipv4Addr = Static<typeof Ipv4Addr>;

export const Ipv6Addr = scoSchema('ipv6-addr', {
  // Checked by the `stix-ipv6` format (an RFC 4291 address with an optional /0–128 suffix).
  value: Type.String({ maxLength: 64, if: { maxLength: 64 }, then: { format: 'stix-ipv6' } }),
  resolves_to_refs: refs('mac-addr'),
  belongs_to_refs: refs('autonomous-system'),
});
export type Ipv6Addr = Static<typeof Ipv6Addr>;

export const MacAddr = scoSchema('mac-addr', {
  value: cappedString(17, '^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$', {
    description: 'EUI-48 / MAC-48, lowercase, colon-separated',
  }),
});
export type MacAddr = Static<typeof MacAddr>;

export const Mutex = scoSchema('mutex', { name: Type.String() });
export type Mutex = Static<typeof Mutex>;

const HttpRequestExt = extension({
  request_method: Type.String(),
  request_value: Type.String(),
  request_version: Str,
  request_header: Type.Optional(Dictionary(Type.Union([Type.String(), List(Type.String())]))),
  message_body_length: Int,
  message_body_data_ref: ref('artifact'),
});
const IcmpExt = extension({ icmp_type_hex: Hex, icmp_code_hex: Hex });
export const SOCKET_ADDRESS_FAMILIES = [
  'AF_UNSPEC', 'AF_INET', 'AF_IPX', 'AF_APPLETALK', 'AF_NETBIOS', 'AF_INET6', 'AF_IRDA', 'AF_BTH',
] as const;
export const SOCKET_TYPES = ['SOCK_STREAM', 'SOCK_DGRAM', 'SOCK_RAW', 'SOCK_RDM', 'SOCK_SEQPACKET'] as const;
const SocketExt = extension({
  address_family: enumOf(SOCKET_ADDRESS_FAMILIES),
  is_blocking: Bool,
  is_listening: Bool,
  options: Type.Optional(
    Dictionary(Type.Integer(), {
      propertyNames: cappedString(250, '^(?:SO|ICMP|ICMP6|IP|IPV6|MCAST|TCP|IRLMP)_[A-Z_]+$'),
    }),
  ),
  socket_type: Type.Optional(enumOf(SOCKET_TYPES)),
  socket_descriptor: NonNegInt,
  socket_handle: Int,
});
const TcpExt = extension({ src_flags_hex: Type.Optional(Hex), dst_flags_hex: Type.Optional(Hex) }, [
  atLeastOneOf('src_flags_hex', 'dst_flags_hex'),
]);

const Port = Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 }));
export const NetworkTraffic = scoSchema(
  'network-traffic',
  {
    extensions: Type.Optional(
      extensionsWith({
        'http-request-ext': HttpRequestExt,
        'icmp-ext': IcmpExt,
        'socket-ext': SocketExt,
        'tcp-ext': TcpExt,
      }),
    ),
    start: Time,
    end: Time,
    is_active: Bool,
    src_ref: ref('ipv4-addr', 'ipv6-addr', 'mac-addr', 'domain-name'),
    dst_ref: ref('ipv4-addr', 'ipv6-addr', 'mac-addr', 'domain-name'),
    src_port: Port,
    dst_port: Port,
    protocols: StringList,
    src_byte_count: NonNegInt,
    dst_byte_count: NonNegInt,
    src_packets: NonNegInt,
    dst_packets: NonNegInt,
    ipfix: Type.Optional(Dictionary(Type.Union([Type.String(), Type.Integer()]))),
    src_payload_ref: ref('artifact'),
    dst_payload_ref: ref('artifact'),
    encapsulates_refs: refs('network-traffic'),
    encapsulated_by_ref: ref('network-traffic'),
  },
  [
    atLeastOneOf('src_ref', 'dst_ref'),
    // An active flow has no end yet (spec §6.12).
    { if: { properties: { is_active: { const: true } }, required: ['is_active'] }, then: { not: { required: ['end'] } } },
  ],
);
export type NetworkTraffic = Static<typeof NetworkTraffic>;

export const WINDOWS_INTEGRITY_LEVELS = ['low', 'medium', 'high', 'system'] as const;
const windowsProcessProps = {
  aslr_enabled: Bool,
  dep_enabled: Bool,
  priority: Str,
  owner_sid: Str,
  window_title: Str,
  startup_info: Type.Optional(Dictionary()),
  integrity_level: Type.Optional(enumOf(WINDOWS_INTEGRITY_LEVELS)),
};
const WindowsProcessExt = extension(windowsProcessProps);
const windowsServiceProps = {
  service_name: Str,
  descriptions: Type.Optional(StringList),
  display_name: Str,
  group_name: Str,
  start_type: Type.Optional(
    enumOf([
      'SERVICE_AUTO_START', 'SERVICE_BOOT_START', 'SERVICE_DEMAND_START', 'SERVICE_DISABLED',
      'SERVICE_SYSTEM_ALERT',
    ]),
  ),
  service_dll_refs: refs('file'),
  service_type: Type.Optional(
    enumOf([
      'SERVICE_KERNEL_DRIVER', 'SERVICE_FILE_SYSTEM_DRIVER', 'SERVICE_WIN32_OWN_PROCESS',
      'SERVICE_WIN32_SHARE_PROCESS',
    ]),
  ),
  service_status: Type.Optional(
    enumOf([
      'SERVICE_CONTINUE_PENDING', 'SERVICE_PAUSE_PENDING', 'SERVICE_PAUSED', 'SERVICE_RUNNING',
      'SERVICE_START_PENDING', 'SERVICE_STOP_PENDING', 'SERVICE_STOPPED',
    ]),
  ),
};
const WindowsServiceExt = extension(windowsServiceProps, [anyOfProps(windowsServiceProps)]);

const processProps = {
  extensions: Type.Optional(
    extensionsWith({ 'windows-process-ext': WindowsProcessExt, 'windows-service-ext': WindowsServiceExt }),
  ),
  is_hidden: Bool,
  pid: Int,
  created_time: Time,
  cwd: Str,
  command_line: Str,
  environment_variables: Type.Optional(Dictionary()),
  opened_connection_refs: refs('network-traffic'),
  creator_user_ref: ref('user-account'),
  image_ref: ref('file'),
  parent_ref: ref('process'),
  child_refs: refs('process'),
};
/** A process must carry at least one property besides type and id (spec §6.13). */
export const Process = scoSchema('process', processProps, [anyOfProps(processProps)]);
export type Process = Static<typeof Process>;

export const Software = scoSchema('software', {
  name: Type.String(),
  cpe: Str,
  swid: Str,
  languages: Type.Optional(StringList),
  vendor: Str,
  version: Str,
});
export type Software = Static<typeof Software>;

export const UrlObject = scoSchema('url', { value: Url });
export type UrlObject = Static<typeof UrlObject>;

const UnixAccountExt = extension({
  gid: Int,
  groups: Type.Optional(StringList),
  home_dir: Str,
  shell: Str,
});
const userAccountProps = {
  extensions: Type.Optional(extensionsWith({ 'unix-account-ext': UnixAccountExt })),
  user_id: Str,
  credential: Str,
  account_login: Str,
  account_type: Type.Optional(Type.String({ description: 'account-type-ov' })),
  display_name: Str,
  is_service_account: Bool,
  is_privileged: Bool,
  can_escalate_privs: Bool,
  is_disabled: Bool,
  account_created: Time,
  account_expires: Time,
  credential_last_changed: Time,
  account_first_login: Time,
  account_last_login: Time,
};
export const UserAccount = scoSchema('user-account', userAccountProps, [anyOfProps(userAccountProps)]);
export type UserAccount = Static<typeof UserAccount>;

export const REGISTRY_DATA_TYPES = [
  'REG_NONE', 'REG_SZ', 'REG_EXPAND_SZ', 'REG_BINARY', 'REG_DWORD', 'REG_DWORD_BIG_ENDIAN',
  'REG_DWORD_LITTLE_ENDIAN', 'REG_LINK', 'REG_MULTI_SZ', 'REG_RESOURCE_LIST',
  'REG_FULL_RESOURCE_DESCRIPTION', 'REG_RESOURCE_REQUIREMENTS_LIST', 'REG_QWORD',
  'REG_INVALID_TYPE',
] as const;
const registryKeyProps = {
  key: Type.Optional(
    Type.String({
      // Full hive names only: abbreviations such as HKLM are not allowed (spec §6.17).
      not: { pattern: '^(?:HKLM|HKCC|HKCR|HKCU|HKU|hklm|hkcc|hkcr|hkcu|hku)(?:\\\\|$)' },
    }),
  ),
  values: Type.Optional(
    List(
      Type.Object(
        { name: Str, data: Str, data_type: Type.Optional(enumOf(REGISTRY_DATA_TYPES)) },
        { allOf: [atLeastOneOf('name', 'data', 'data_type')] },
      ),
    ),
  ),
  modified_time: Time,
  creator_user_ref: ref('user-account'),
  number_of_subkeys: NonNegInt,
};
export const WindowsRegistryKey = scoSchema('windows-registry-key', registryKeyProps, [
  anyOfProps(registryKeyProps),
]);
export type WindowsRegistryKey = Static<typeof WindowsRegistryKey>;

const x509ExtensionProps = {
  basic_constraints: Str,
  name_constraints: Str,
  policy_constraints: Str,
  key_usage: Str,
  extended_key_usage: Str,
  subject_key_identifier: Str,
  authority_key_identifier: Str,
  subject_alternative_name: Str,
  issuer_alternative_name: Str,
  subject_directory_attributes: Str,
  crl_distribution_points: Str,
  inhibit_any_policy: Str,
  private_key_usage_period_not_before: Time,
  private_key_usage_period_not_after: Time,
  certificate_policies: Str,
  policy_mappings: Str,
};
const X509V3Extensions = Type.Object(x509ExtensionProps, { allOf: [anyOfProps(x509ExtensionProps)] });
const x509Props = {
  is_self_signed: Bool,
  hashes: Type.Optional(Hashes),
  version: Str,
  serial_number: Str,
  signature_algorithm: Str,
  issuer: Str,
  validity_not_before: Time,
  validity_not_after: Time,
  subject: Str,
  subject_public_key_algorithm: Str,
  subject_public_key_modulus: Str,
  subject_public_key_exponent: Int,
  x509_v3_extensions: Type.Optional(X509V3Extensions),
};
export const X509Certificate = scoSchema('x509-certificate', x509Props, [anyOfProps(x509Props)]);
export type X509Certificate = Static<typeof X509Certificate>;

export const SCO_SCHEMAS = {
  artifact: Artifact,
  'autonomous-system': AutonomousSystem,
  directory: Directory,
  'domain-name': DomainName,
  'email-addr': EmailAddr,
  'email-message': EmailMessage,
  file: File,
  'ipv4-addr': Ipv4Addr,
  'ipv6-addr': Ipv6Addr,
  'mac-addr': MacAddr,
  mutex: Mutex,
  'network-traffic': NetworkTraffic,
  process: Process,
  software: Software,
  url: UrlObject,
  'user-account': UserAccount,
  'windows-registry-key': WindowsRegistryKey,
  'x509-certificate': X509Certificate,
} as const;

export type StixCyberObservable = Static<(typeof SCO_SCHEMAS)[keyof typeof SCO_SCHEMAS]>;

