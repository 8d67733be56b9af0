import type { AutopilotPolicy } from '../../../src/autopilot/domain/autopilot-access';

/** Who added the device, seen from the partner asking. */
export const ADDERS = [
  'THIS_PARTNER',
  'OTHER_PARTNER',
  'STORE_FOR_BUSINESS',
  'STORE_FOR_EDUCATION',
  'INTUNE',
] as const;
export type Adder = (typeof ADDERS)[number];

export const DEVICE_OPERATIONS = ['ASSIGN_PROFILE', 'UNASSIGN_PROFILE', 'REMOVE_DEVICE'] as const;
export type DeviceOperationName = (typeof DEVICE_OPERATIONS)[number];

/**
 * R32, R35, written down from the rules, not from the code: what a partner Admin Agent (active
 * reseller relationship) may do on a device. A = assign a profile, U = remove the profile, R =
 * remove the device; '-' = refused.
 */
const TABLE: Record<AutopilotPolicy, Record<'DAP' | 'no DAP', Record<Adder, string>>> = {
  current: {
    DAP: {
      THIS_PARTNER: 'AUR',
      OTHER_PARTNER: 'AUR',
      STORE_FOR_BUSINESS: '---',
      STORE_FOR_EDUCATION: '---',
      INTUNE: '---',
    },
    'no DAP': {
      THIS_PARTNER: 'AUR',
      OTHER_PARTNER: 'AUR',
      STORE_FOR_BUSINESS: '---',
      STORE_FOR_EDUCATION: '---',
      INTUNE: '---',
    },
  },
  'dap-required': {
    DAP: {
      THIS_PARTNER: 'AUR',
      OTHER_PARTNER: 'AUR',
      STORE_FOR_BUSINESS: 'AUR',
      STORE_FOR_EDUCATION: 'AUR',
      INTUNE: 'AUR',
    },
    'no DAP': {
      THIS_PARTNER: '--R',
      OTHER_PARTNER: '---',
      STORE_FOR_BUSINESS: '---',
      STORE_FOR_EDUCATION: '---',
      INTUNE: '---',
    },
  },
};

export interface Row {
  policy: AutopilotPolicy;
  dap: boolean;
  adder: Adder;
  operation: DeviceOperationName;
  allowed: boolean;
  /** The rule a refusal names: R32 under `current`, R35 under `dap-required`. */
  rule: 'R32' | 'R35';
}

export const TABLE_ROWS: Row[] = (['current', 'dap-required'] as const).flatMap((policy) =>
  [true, false].flatMap((dap) =>
    ADDERS.flatMap((adder) =>
      DEVICE_OPERATIONS.map((operation, column) => ({
        policy,
        dap,
        adder,
        operation,
        allowed: TABLE[policy][dap ? 'DAP' : 'no DAP'][adder][column] !== '-',
        rule: policy === 'current' ? ('R32' as const) : ('R35' as const),
      })),
    ),
  ),
);

export const rowTitle = (row: Row): string =>
  `${row.rule}: policy ${row.policy}, ${row.dap ? 'with' : 'without'} DAP, device added by ${row.adder}, ${row.operation} → ${row.allowed ? 'allowed' : 'refused'}`;
