import { collection, ref } from '../answers.ts';
import type { RedfishContext } from '../context.ts';
import { U } from '../state.ts';
import { MOCK_ACCOUNTS } from '../variants.ts';

/** The AccountService and its three accounts (the admin's has the account certificates). */
export function registerAccounts({ cfg, routes, state }: RedfishContext): void {
  const { accountUri, collections } = state;
  const ids = cfg.accountIds;
  const accountOf = {
    [ids.admin]: MOCK_ACCOUNTS.admin,
    [ids.operator]: MOCK_ACCOUNTS.operator,
    [ids.readOnly]: MOCK_ACCOUNTS.readOnly,
  };

  routes.resource((path) => {
    if (path === `${U}/AccountService`)
      return {
        '@odata.id': path,
        '@odata.type': '#AccountService.v1_12_0.AccountService',
        Id: 'AccountService',
        Name: 'Account Service',
        Accounts: ref(`${U}/AccountService/Accounts`),
        LDAP: { Certificates: ref(collections.ldap) },
      };
    if (path === `${U}/AccountService/Accounts`)
      return collection(
        path,
        '#ManagerAccountCollection.ManagerAccountCollection',
        'Accounts',
        Object.keys(accountOf).map(accountUri),
      );
    for (const [id, account] of Object.entries(accountOf)) {
      if (path === accountUri(id)) {
        return {
          '@odata.id': path,
          '@odata.type': '#ManagerAccount.v1_8_0.ManagerAccount',
          Id: id,
          Name: 'User Account',
          UserName: account.username,
          RoleId: account.role,
          AccountTypes: ['Redfish'],
          ...(id === ids.admin ? { Certificates: ref(collections.account) } : {}),
        };
      }
    }
    return undefined;
  });
}
