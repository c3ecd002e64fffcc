// The bundled example's test set, as authored: help-centre articles of a made-up smart-thermostat company
// ("Kestrel Home"), customer questions about them, and the answers the support team expects. Written for
// Prompt Adapt; no real product is described.
//
// `wrong` is for the SIMULATED model server only: the plausible but wrong answer a simulated model gives
// when it gets an example wrong. It never goes into the test set file. Questions marked `unanswerable`
// cannot be answered from the article; their ground truth says so.

/** One customer question about an article. */
export interface AuthoredQuestion {
  question: string;
  /** The expected answer (the test set's ground truth). */
  answer: string;
  /** Simulator only: what a simulated model says when it answers wrongly or makes something up. */
  wrong: string;
  unanswerable?: boolean;
}

/** One help-centre article and the questions asked about it. */
export interface Article { slug: string; title: string; text: string; questions: AuthoredQuestion[] }

export const ARTICLES: readonly Article[] = [
  {
    slug: 'returns', title: 'Returns and refunds',
    text: 'You can return a Kestrel device within 45 days of delivery for a full refund, as long as you send back all the parts that came in the box. Start a return from Orders in your account; we email a prepaid shipping label within one business day. Refunds go back to the original payment method 5 to 7 business days after the return reaches our warehouse. Devices bought from a retailer must be returned to that retailer. Opened accessories such as wall plates can be returned only if they are unused.',
    questions: [
      { question: 'How long do I have to return my thermostat?',
        answer: 'You can return it within 45 days of delivery for a full refund, as long as you include all the parts from the box.',
        wrong: 'You can return it within 30 days of purchase for a full refund.' },
      { question: 'I bought my thermostat at an electronics store. Can I send it back to Kestrel?',
        answer: 'No. Devices bought from a retailer have to be returned to that retailer.',
        wrong: 'Yes. Start a return from Orders in your account and Kestrel will email you a prepaid label.' },
      { question: 'When will I see my refund?',
        answer: 'The refund reaches your original payment method 5 to 7 business days after the return arrives at the warehouse.',
        wrong: 'The refund is issued to your original payment method within 24 hours of starting the return.' },
      { question: 'Is there a restocking fee for returns?', unanswerable: true,
        answer: 'The article does not mention a restocking fee, so this cannot be answered from it.',
        wrong: 'Yes. A restocking fee of 10 percent is deducted from refunds for opened devices.' },
    ],
  },
  {
    slug: 'warranty', title: 'Warranty',
    text: 'Every Kestrel thermostat comes with a two-year limited warranty from the date of purchase. Room sensors and the smart plug are covered for one year. The warranty covers defects in materials and workmanship; it does not cover damage caused by incorrect wiring, water or power surges. To make a claim, contact support with your order number and a short video that shows the fault. If the claim is approved we send a replacement before you return the faulty unit, and you then have 30 days to send the old one back.',
    questions: [
      { question: 'How long is the thermostat warranty?',
        answer: 'The thermostat has a two-year limited warranty from the date of purchase.',
        wrong: 'The thermostat has a three-year limited warranty from the date of purchase.' },
      { question: 'My room sensor stopped working after 14 months. Is it still under warranty?',
        answer: 'No. Room sensors are covered for one year, so a sensor that fails after 14 months is outside the warranty.',
        wrong: 'Yes. Every Kestrel device, sensors included, is covered for two years.' },
      { question: 'What do I need to send to make a warranty claim?',
        answer: 'Contact support with your order number and a short video that shows the fault.',
        wrong: 'Send the faulty unit back with a printed copy of your receipt.' },
      { question: 'Do I have to ship the broken unit before I get a replacement?',
        answer: 'No. Once a claim is approved, the replacement is sent first and you have 30 days to return the old unit.',
        wrong: 'Yes. The replacement ships only after the faulty unit has reached the warehouse.' },
    ],
  },
  {
    slug: 'shipping', title: 'Shipping and delivery',
    text: 'Standard shipping is free on orders over $50 and takes 3 to 5 business days. Express shipping costs $12 and takes 1 to 2 business days. Orders placed before 2 pm Eastern time on a business day leave the warehouse the same day. We ship to the United States and Canada; orders to Canada may be charged import duties on delivery. You can follow your parcel from the tracking link in your confirmation email.',
    questions: [
      { question: 'How much does express shipping cost?',
        answer: 'Express shipping costs $12 and takes 1 to 2 business days.',
        wrong: 'Express shipping costs $8 and arrives the next business day.' },
      { question: 'Do you ship to the UK?',
        answer: 'No. Kestrel ships only to the United States and Canada.',
        wrong: 'Yes. Kestrel ships to the UK, with standard delivery in 5 to 7 business days.' },
      { question: 'If I order at 1 pm Eastern on a Tuesday, when does my order ship?',
        answer: 'It leaves the warehouse the same day, because orders placed before 2 pm Eastern on a business day ship that day.',
        wrong: 'It ships the next business day, which is Wednesday.' },
      { question: 'Can I change my delivery address after the order has shipped?', unanswerable: true,
        answer: 'The article does not say whether a delivery address can be changed after shipping, so this cannot be answered from it.',
        wrong: 'Yes. You can change the address from the tracking link until the parcel is out for delivery.' },
    ],
  },
  {
    slug: 'installation', title: 'Installing the Kestrel T2',
    text: 'Most homes can install the Kestrel T2 in about 30 minutes. Before you start, switch off the power to your heating and cooling system at the breaker. The T2 needs a C-wire (common wire) for continuous power; if your system has no C-wire, use the power adapter included in the box. The T2 works with 24-volt systems and does not support line-voltage (120 or 240 volt) baseboard heaters. Take a photo of your old thermostat\'s wiring before you disconnect it.',
    questions: [
      { question: 'Do I need a C-wire to install the T2?',
        answer: 'The T2 needs a C-wire for continuous power, but if you have none you can use the power adapter included in the box.',
        wrong: 'Yes. The T2 will not work without a C-wire, so an electrician has to add one first.' },
      { question: 'Will the T2 work with my 240-volt baseboard heaters?',
        answer: 'No. The T2 supports 24-volt systems and does not work with line-voltage baseboard heaters.',
        wrong: 'Yes, but you need the separate high-voltage adapter kit.' },
      { question: 'What should I do before disconnecting my old thermostat?',
        answer: 'Switch off the power to the heating and cooling system at the breaker and take a photo of the old wiring.',
        wrong: 'Unplug the old thermostat from the wall socket and label the wires with the stickers in the box.' },
      { question: 'How long does installation usually take?',
        answer: 'Installation takes about 30 minutes in most homes.',
        wrong: 'Installation usually takes about two hours and needs a professional installer.' },
    ],
  },
  {
    slug: 'wifi', title: 'Connecting to Wi-Fi',
    text: 'The T2 connects to 2.4 GHz Wi-Fi networks only; it cannot join a 5 GHz network. During setup the app asks for your network name and password and then sends them to the thermostat over Bluetooth, so keep your phone within 3 metres of the thermostat. If setup fails, restart your router, make sure the network name has no emoji in it, and try again. Networks that need a sign-in web page, such as some hotel or dormitory networks, are not supported.',
    questions: [
      { question: 'Can I connect my thermostat to a 5 GHz network?',
        answer: 'No. The T2 connects only to 2.4 GHz Wi-Fi networks.',
        wrong: 'Yes. The T2 switches to the 5 GHz band automatically when it is available.' },
      { question: 'How close does my phone need to be to the thermostat during setup?',
        answer: 'Keep your phone within 3 metres of the thermostat, because setup sends the Wi-Fi details over Bluetooth.',
        wrong: 'Your phone can be anywhere, as long as it is on the same Wi-Fi network.' },
      { question: 'Wi-Fi setup keeps failing. What should I try?',
        answer: 'Restart your router, check that the network name contains no emoji, and try setup again.',
        wrong: 'Reset the thermostat to factory settings and reinstall the app before trying again.' },
      { question: 'Does the thermostat support WPA3 security?', unanswerable: true,
        answer: 'The article does not say which Wi-Fi security types are supported, so this cannot be answered from it.',
        wrong: 'Yes. The T2 supports WPA3 as well as WPA2.' },
    ],
  },
  {
    slug: 'plus', title: 'Kestrel Plus subscription',
    text: 'Kestrel Plus costs $4.99 a month or $49 a year. It adds 12 months of energy history (instead of 7 days), monthly savings reports and priority support by chat. You can cancel at any time from Account > Subscription; you keep the Plus features until the end of the period you have paid for. New customers get a 30-day free trial, once per account. Schedules and remote control of the thermostat work without Plus.',
    questions: [
      { question: 'How much is Kestrel Plus per year?',
        answer: 'Kestrel Plus costs $49 a year, or $4.99 a month.',
        wrong: 'Kestrel Plus costs $59.88 a year when you pay annually.' },
      { question: 'If I cancel Plus today, do I lose the features straight away?',
        answer: 'No. You keep the Plus features until the end of the period you have already paid for.',
        wrong: 'Yes. Plus features stop as soon as you cancel, and the unused time is refunded.' },
      { question: 'Do I need Plus to control my thermostat from my phone?',
        answer: 'No. Schedules and remote control work without a Plus subscription.',
        wrong: 'Yes. Remote control from the app is part of Plus; without it you can only use the buttons on the thermostat.' },
      { question: 'How much energy history do I get without Plus?',
        answer: 'Without Plus you get 7 days of energy history.',
        wrong: 'Without Plus you get 30 days of energy history.' },
    ],
  },
  {
    slug: 'billing', title: 'Billing and payment',
    text: 'We accept Visa, Mastercard, American Express and PayPal. Subscriptions renew automatically on the same day each month or year, and we email a receipt for every payment. If a payment fails, we try again after 3 days and after 7 days; if every attempt fails, the subscription ends and your account returns to the free plan. You can download past invoices as PDF files from Account > Billing.',
    questions: [
      { question: 'Can I pay with PayPal?',
        answer: 'Yes. Kestrel accepts PayPal as well as Visa, Mastercard and American Express.',
        wrong: 'No. Kestrel accepts only Visa, Mastercard and American Express cards.' },
      { question: 'What happens if my card payment fails?',
        answer: 'Kestrel tries again after 3 days and after 7 days; if every attempt fails, the subscription ends and the account returns to the free plan.',
        wrong: 'The subscription is paused at once and you have 30 days to update your card before the account is closed.' },
      { question: 'Where can I get a copy of an old invoice?',
        answer: 'You can download past invoices as PDF files from Account > Billing.',
        wrong: 'Ask support by chat and they will email the invoice within two business days.' },
      { question: 'Can I get invoices that show my company\'s tax number?', unanswerable: true,
        answer: 'The article does not say whether a company tax number can be added to invoices, so this cannot be answered from it.',
        wrong: 'Yes. Add your tax number under Account > Billing and it appears on every new invoice.' },
    ],
  },
  {
    slug: 'energy-reports', title: 'Energy reports',
    text: 'Energy reports show how many hours your system ran each day and compare that with the previous week. The app estimates costs from the electricity and gas rates you enter in Settings > Energy rates; if you have not entered any rates, it shows hours only. Monthly savings reports are part of Kestrel Plus and arrive by email on the first day of each month. Reports start counting from the day the thermostat was installed.',
    questions: [
      { question: 'Why does my energy report show hours but no costs?',
        answer: 'Costs appear only after you enter your electricity and gas rates in Settings > Energy rates; without them the report shows hours only.',
        wrong: 'Costs are shown only to Kestrel Plus subscribers; the free plan shows hours.' },
      { question: 'When do the monthly savings reports arrive?',
        answer: 'They arrive by email on the first day of each month, and they are part of Kestrel Plus.',
        wrong: 'They appear in the app every Sunday evening.' },
      { question: 'What does the daily energy report compare my usage with?',
        answer: 'It compares the hours your system ran each day with the previous week.',
        wrong: 'It compares your usage with similar homes in your area.' },
      { question: 'Can I export my energy data to a spreadsheet?', unanswerable: true,
        answer: 'The article does not say whether energy data can be exported, so this cannot be answered from it.',
        wrong: 'Yes. Tap Export in the energy report to download a CSV file.' },
    ],
  },
  {
    slug: 'firmware', title: 'Firmware updates',
    text: 'Firmware updates install automatically between 2 am and 4 am local time while the thermostat is online. An update takes about 5 minutes; the display shows a progress ring and your heating or cooling keeps its current setting. To install an update straight away, open the app and go to Device > About > Check for updates. Automatic updates cannot be turned off, because they include security fixes.',
    questions: [
      { question: 'When do firmware updates install?',
        answer: 'Updates install automatically between 2 am and 4 am local time while the thermostat is online.',
        wrong: 'Updates install as soon as they are released, at any time of day.' },
      { question: 'Can I turn off automatic updates?',
        answer: 'No. Automatic updates cannot be turned off because they include security fixes.',
        wrong: 'Yes. Switch off Automatic updates under Device > About.' },
      { question: 'Will my heating stop while an update installs?',
        answer: 'No. During the update, which takes about 5 minutes, heating or cooling keeps its current setting.',
        wrong: 'Yes. Heating and cooling pause for about 20 minutes while the update installs.' },
      { question: 'How do I install an update right away?',
        answer: 'In the app, go to Device > About > Check for updates.',
        wrong: 'Hold the dial down for 10 seconds to start the update.' },
    ],
  },
  {
    slug: 'privacy', title: 'Privacy and your data',
    text: 'Kestrel keeps your temperature and usage history for 24 months and then deletes it. We never sell your data. You can download a copy of all your data from Account > Privacy > Export my data; the file is ready within 48 hours. Deleting your account removes your personal data within 30 days, except invoices, which we keep for 7 years to meet tax rules. Your location is used only for away mode, and you can switch that off.',
    questions: [
      { question: 'How long do you keep my temperature history?',
        answer: 'Temperature and usage history is kept for 24 months and then deleted.',
        wrong: 'Temperature history is kept for as long as your account exists.' },
      { question: 'If I delete my account, is everything removed?',
        answer: 'Your personal data is removed within 30 days, but invoices are kept for 7 years to meet tax rules.',
        wrong: 'Yes. Everything, invoices included, is deleted immediately.' },
      { question: 'How do I get a copy of my data?',
        answer: 'Go to Account > Privacy > Export my data; the file is ready within 48 hours.',
        wrong: 'Email the privacy team and they will post you a copy on a USB stick.' },
      { question: 'Which country are your servers in?', unanswerable: true,
        answer: 'The article does not say where the servers are located, so this cannot be answered from it.',
        wrong: 'All Kestrel data is stored on servers in Ireland.' },
    ],
  },
  {
    slug: 'reset', title: 'Factory reset',
    text: 'A factory reset erases schedules, Wi-Fi details and the link to your account. To reset, press and hold the dial for 15 seconds until the screen turns orange, then choose Reset. Before you give the thermostat to someone else, remove it from your account in the app, otherwise the new owner cannot add it. A reset does not remove the device from your Kestrel Plus subscription.',
    questions: [
      { question: 'How do I factory reset my thermostat?',
        answer: 'Press and hold the dial for 15 seconds until the screen turns orange, then choose Reset.',
        wrong: 'Press the dial five times quickly, then hold it for 3 seconds.' },
      { question: 'I am selling my thermostat. What should I do first?',
        answer: 'Remove it from your account in the app before you hand it over, otherwise the new owner cannot add it.',
        wrong: 'A factory reset is enough, because it unlinks the thermostat from your account.' },
      { question: 'What does a factory reset erase?',
        answer: 'It erases schedules, Wi-Fi details and the link to your account.',
        wrong: 'It erases schedules only; the Wi-Fi details and the account link are kept.' },
      { question: 'Does a reset cancel the Plus subscription for that device?',
        answer: 'No. A reset does not remove the device from your Kestrel Plus subscription.',
        wrong: 'Yes. A factory reset ends the Plus subscription for that device.' },
    ],
  },
  {
    slug: 'compatibility', title: 'Will the T2 work with my system?',
    text: 'The T2 works with most gas and oil furnaces, heat pumps with up to two stages of heating, boilers with a 24-volt control, and central air conditioning. It does not support line-voltage heaters, millivolt gas fireplaces, or heat pumps with three or more heating stages. Use the compatibility checker in the app: answer a few questions about the labels on your current wiring and it tells you whether the T2 will work.',
    questions: [
      { question: 'Does the T2 work with a heat pump?',
        answer: 'Yes, with heat pumps that have up to two stages of heating; heat pumps with three or more heating stages are not supported.',
        wrong: 'Yes. The T2 works with every kind of heat pump.' },
      { question: 'Can I use the T2 with my millivolt gas fireplace?',
        answer: 'No. Millivolt gas fireplaces are not supported.',
        wrong: 'Yes, as long as you use the power adapter from the box.' },
      { question: 'How can I find out whether the T2 will work in my home?',
        answer: 'Use the compatibility checker in the app and answer its questions about the labels on your current wiring.',
        wrong: 'Send a photo of your furnace to support and they will reply within a week.' },
      { question: 'Is the T2 compatible with Apple HomeKit?', unanswerable: true,
        answer: 'The article does not mention HomeKit or any other smart-home platform, so this cannot be answered from it.',
        wrong: 'Yes. The T2 works with Apple HomeKit, Google Home and Alexa.' },
    ],
  },
  {
    slug: 'sensors', title: 'Room sensors',
    text: 'Room sensors measure the temperature and whether someone is in the room. Each thermostat supports up to 6 sensors. A sensor\'s coin battery (CR2477) lasts about 2 years, and the app warns you when it drops below 10 percent. Place sensors about 1.5 metres above the floor, away from windows, fireplaces and direct sunlight. In the app you can choose which sensors to average for each part of your schedule.',
    questions: [
      { question: 'How many room sensors can I connect?',
        answer: 'Each thermostat supports up to 6 room sensors.',
        wrong: 'Each thermostat supports up to 10 room sensors.' },
      { question: 'How long does a sensor battery last?',
        answer: 'The CR2477 coin battery lasts about 2 years, and the app warns you when it falls below 10 percent.',
        wrong: 'The battery lasts about 6 months and is recharged over USB.' },
      { question: 'Where should I put a room sensor?',
        answer: 'Put it about 1.5 metres above the floor, away from windows, fireplaces and direct sunlight.',
        wrong: 'Put it next to a window so that it can detect drafts.' },
      { question: 'Can I use different sensors at different times of day?',
        answer: 'Yes. In the app you choose which sensors to average for each part of your schedule.',
        wrong: 'No. The thermostat always averages all connected sensors.' },
    ],
  },
  {
    slug: 'offline', title: 'When the thermostat shows as offline',
    text: 'If the app shows your thermostat as offline, first check that your router is working and that other devices can connect to it. The thermostat keeps running its schedule while offline; only remote control and reports are unavailable. If it stays offline for more than an hour, restart it from the thermostat\'s own menu: Settings > Restart. A thermostat that has been offline for 30 days is left out of the energy report until it reconnects.',
    questions: [
      { question: 'Does my schedule still work when the thermostat is offline?',
        answer: 'Yes. The schedule keeps running; only remote control and reports are unavailable.',
        wrong: 'No. The thermostat holds one fixed temperature until it is back online.' },
      { question: 'My thermostat has been offline for two hours. What should I do?',
        answer: 'Check that your router works, then restart the thermostat from its own menu under Settings > Restart.',
        wrong: 'Unplug it for 10 minutes and then do a factory reset.' },
      { question: 'What happens if the thermostat stays offline for a month?',
        answer: 'After 30 days offline it is left out of the energy report until it reconnects.',
        wrong: 'After 30 days offline it is removed from your account and has to be set up again.' },
      { question: 'Does the thermostat keep working during a power cut?', unanswerable: true,
        answer: 'The article does not say whether the thermostat has a battery backup or works during a power cut, so this cannot be answered from it.',
        wrong: 'Yes. A built-in battery keeps the schedule running for up to 8 hours.' },
    ],
  },
  {
    slug: 'moving', title: 'Moving house',
    text: 'When you move, remove the thermostat from your account in the app before you uninstall it. You can install it in your new home and add it again; schedules are saved in your account and can be restored. If you are leaving the thermostat behind, remove it from your account and give the new occupants the quick-start card so that they can set it up. Energy history stays with your account, not with the device.',
    questions: [
      { question: 'I am moving. Can I take my thermostat with me?',
        answer: 'Yes. Remove it from your account before uninstalling it, then install it in the new home and add it again.',
        wrong: 'No. The thermostat is registered to the address and cannot be moved.' },
      { question: 'Will I lose my schedules when I move?',
        answer: 'No. Schedules are saved in your account and can be restored after you add the thermostat again.',
        wrong: 'Yes. Schedules are stored on the device and are erased when you uninstall it.' },
      { question: 'If I leave the thermostat for the new owners, do they get my energy history?',
        answer: 'No. Energy history stays with your account, not with the device.',
        wrong: 'Yes. The energy history moves with the device to the new owners\' account.' },
      { question: 'What should I give the new occupants if I leave the thermostat behind?',
        answer: 'Give them the quick-start card so that they can set it up, after removing the thermostat from your account.',
        wrong: 'Give them your account password so that they can keep using it.' },
    ],
  },
  {
    slug: 'gift-cards', title: 'Gift cards',
    text: 'Kestrel gift cards come in values of $25, $50 and $100 and never expire. You can spend a gift card on devices and accessories in the Kestrel online store, and you can combine up to two gift cards in one order. Gift cards cannot be used to pay for Kestrel Plus. A lost gift card can be replaced only if you have the purchase receipt.',
    questions: [
      { question: 'Do Kestrel gift cards expire?',
        answer: 'No. Kestrel gift cards never expire.',
        wrong: 'Yes. Gift cards expire 12 months after they are bought.' },
      { question: 'Can I pay for Kestrel Plus with a gift card?',
        answer: 'No. Gift cards cannot be used to pay for Kestrel Plus.',
        wrong: 'Yes. Enter the gift card code under Account > Subscription.' },
      { question: 'How many gift cards can I use on one order?',
        answer: 'You can combine up to two gift cards in one order.',
        wrong: 'You can use as many gift cards as you like on one order.' },
      { question: 'Can I send a gift card by email?', unanswerable: true,
        answer: 'The article does not say how gift cards are delivered, so this cannot be answered from it.',
        wrong: 'Yes. Choose e-gift card at checkout and enter the recipient\'s email address.' },
    ],
  },
  {
    slug: 'display', title: 'Display, sound and accessibility',
    text: 'The display brightness adjusts to the room automatically; you can set a fixed level in Settings > Display. Large text mode doubles the size of the temperature digits. The app supports the VoiceOver and TalkBack screen readers, and you can switch temperatures between Celsius and Fahrenheit in Settings > Units. The dial clicks when you turn it; you can switch the click off in Settings > Sounds.',
    questions: [
      { question: 'How do I change from Fahrenheit to Celsius?',
        answer: 'Switch the temperature unit in Settings > Units.',
        wrong: 'The unit is set from your country and cannot be changed.' },
      { question: 'Does the app work with VoiceOver?',
        answer: 'Yes. The app supports the VoiceOver and TalkBack screen readers.',
        wrong: 'No. Screen readers are not supported yet, but support is planned.' },
      { question: 'Can I stop the dial from clicking?',
        answer: 'Yes. Switch the click off in Settings > Sounds.',
        wrong: 'No. The click is mechanical and cannot be turned off.' },
      { question: 'The screen is too bright at night. What can I do?',
        answer: 'Set a fixed brightness level in Settings > Display instead of the automatic adjustment.',
        wrong: 'Turn on Night mode in the app, which switches the display off between 10 pm and 6 am.' },
    ],
  },
  {
    slug: 'schedules', title: 'Schedules and away mode',
    text: 'A schedule can have up to 8 temperature changes per day, and you can copy one day\'s plan to other days. Away mode uses your phone\'s location: when everyone in the household has left, the thermostat switches to your away temperature, and it goes back to the schedule when the first person comes home. A temperature you set on the dial lasts until the next scheduled change. Eco temperatures are 16 °C for heating and 28 °C for cooling unless you change them.',
    questions: [
      { question: 'How many temperature changes can one day of a schedule have?',
        answer: 'A schedule can have up to 8 temperature changes per day.',
        wrong: 'A schedule can have up to 4 temperature changes per day.' },
      { question: 'How long does a temperature I set on the dial last?',
        answer: 'It lasts until the next scheduled change.',
        wrong: 'It lasts for 2 hours and then the schedule takes over again.' },
      { question: 'When does away mode switch back to my schedule?',
        answer: 'It goes back to the schedule when the first person in the household comes home.',
        wrong: 'It goes back to the schedule when the last person in the household comes home.' },
      { question: 'What is the default eco temperature for heating?',
        answer: 'The default eco temperature for heating is 16 °C.',
        wrong: 'The default eco temperature for heating is 18 °C.' },
    ],
  },
];

/** One row of the test set, plus the simulator-only fields. */
export interface SupportExample {
  id: string;
  article: string;
  context: string;
  question: string;
  answer: string;
  answerable: boolean;
  /** Simulator only. */
  wrong: string;
}

/** The examples in file order; ids are `<article slug>-<n>`. */
export function supportExamples(): SupportExample[] {
  return ARTICLES.flatMap((a) => a.questions.map((q, i) => ({
    id: `${a.slug}-${i + 1}`, article: a.title, context: `${a.title}\n\n${a.text}`, question: q.question,
    answer: q.answer, answerable: !q.unanswerable, wrong: q.wrong,
  })));
}

/** The test set line of an example: only what a real test set would hold. */
export function testSetLine(e: SupportExample): string {
  return JSON.stringify({ id: e.id, article: e.article, context: e.context, question: e.question, answer: e.answer, answerable: e.answerable });
}
