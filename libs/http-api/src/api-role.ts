/** Operator roles, weakest first: each role may do everything the roles before it may. */
export const API_ROLES = ['read-only', 'operator', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];

/** The minimum role a route needs; `public` routes need no key at all. */
export type RouteRole = ApiRole | 'public';

/** Who presented a valid API key. Never carries the key or its secret. */
export interface Principal {
  keyId: string;
  name: string;
  role: ApiRole;
}

export function roleAllows(have: ApiRole, need: RouteRole): boolean {
  if (need === 'public') return true;
  return API_ROLES.indexOf(have) >= API_ROLES.indexOf(need);
}
