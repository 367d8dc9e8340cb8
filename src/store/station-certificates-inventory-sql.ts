// SQL fragments shared by the inventory repository and the fleet report.

/** SQL for the hashDataKey of an inventory row `i` (see src/inventory/hash-data.ts). */
export const INVENTORY_KEY_SQL = `i.hash_algorithm || ':' || lower(i.issuer_name_hash) || ':' || lower(i.issuer_key_hash) || ':' || coalesce(nullif(ltrim(lower(i.serial_number), '0'), ''), '0')`;

// What we know of a reported certificate: one we installed (by hash key), else one our CA issued
// (by serial; CA serials are 9-20 random octets, RFC 5280 4.1.2.2 / CA/B BR 7.1).
export const KNOWN_JOIN = `
  LEFT JOIN LATERAL (SELECT k.subject, k.not_after FROM inventory_certificates k WHERE k.hash_keys @> ARRAY[${INVENTORY_KEY_SQL}] LIMIT 1) k ON true
  LEFT JOIN LATERAL (SELECT c.subject, c.not_after FROM certificates c
                     WHERE k.subject IS NULL AND ltrim(encode(c.serial, 'hex'), '0') = ltrim(lower(i.serial_number), '0') AND c.status = 'issued'
                     LIMIT 1) c ON true`;
