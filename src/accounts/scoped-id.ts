/**
 * `_id` of a document whose id is unique per account, not globally: `<accountId>/<id>`. Ids never hold
 * `/` (see idString), so the key is unambiguous, and one account's ids say nothing about another's.
 */
export const scopedId = (accountId: string, id: string): string => `${accountId}/${id}`;
