import { type Item, itemRuleCheck } from 'restore-drill/checks';

/** The client's own rule: every order item has a positive price. */
export default itemRuleCheck({
  name: 'price-positive',
  description: 'every order has a positive price',
  appliesTo: (item: Item) => item.sk?.S === 'ORDER',
  check: (item: Item) => (Number(item.price?.N) > 0 ? undefined : 'with a price that is not positive'),
  nextStep: 'an order came back without a positive price: compare it with the source before relying on this backup',
});
