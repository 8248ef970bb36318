# Kenning — English interface strings.
brand = Kenning
locale-en = English
locale-zh-CN = 简体中文

## Navigation and layout
nav-menu = Menu
nav-catalog = Catalog
nav-library = My library
nav-studio = Creator studio
nav-login = Log in
nav-register = Sign up
nav-logout = Log out
nav-signed-in-as = Signed in as { $name }
footer-language = Language
footer-currency = Currency
footer-apply = Apply
footer-tagline = Kenning — learn from people who know.
footer-api = API documentation

## Home
home-title = Home
home-headline = Learn from people who know
home-lead = Courses, e-books, audio series and reports from independent creators. Preview for free, pay once, keep learning.
home-latest = New and noteworthy
home-browse-all = Browse the whole catalog

## Catalog
catalog-title = Catalog
catalog-filter-kind = Kind
catalog-filter-language = Language
catalog-filter-any = Any
catalog-filter-apply = Filter
catalog-count = { $count ->
    [one] One product
   *[other] { $count } products
}
catalog-empty = Nothing here yet.
pager-previous = ← Previous
pager-next = Next →
pager-page = Page { $page }
price-free = Free

## Product kinds
kind-course = Course
kind-ebook = E-book
kind-audio_series = Audio series
kind-live_session = Live session
kind-report = Report
kind-consultation = Consultation
kind-circle = Circle
kind-bundle = Bundle
kind-membership = Membership

## Product statuses
status-draft = Draft
status-published = Published
status-unpublished = Unpublished

## Product page
product-by = by { $name }
creator-title = Creator
creator-since = Teaching here since { $date }
creator-products = { $count ->
    [one] One product
   *[other] { $count } products
}
creator-nothing-yet = Nothing on sale yet.
studio-profile = My public page
studio-profile-intro = Buyers see this on your public page, which every product of yours links to. Leave an empty line between paragraphs.
studio-profile-bio = About you
studio-profile-view = View my page
studio-profile-saved = Saved.
product-lesson-count = { $count ->
    [one] 1 lesson
   *[other] { $count } lessons
}
product-buy = Buy now
product-get-free = Get it free
product-owned = You own this.
product-start = Start learning
product-edit = Edit
product-preview = Preview as a buyer
product-preview-banner = Preview: this is the page as a buyer who holds nothing sees it. Nothing can be bought here.
product-contents = Contents
product-not-published = This product is not published; only you can see it.
product-published-on = Published { $date }
product-purchased = Thank you! It is now in your library.

## Lessons
lesson-title = Lesson
lesson-preview-badge = Free preview
lesson-next = Next lesson →
locked-title = This lesson is locked
locked-body = Buy “{ $product }” to read this lesson and every other one in it.
locked-buy = Get it for { $price }
locked-drip-title = This lesson is not open yet
lesson-opens-on = Opens on { $date }
lesson-opens-after = Opens { $days ->
    [one] one day
   *[other] { $days } days
} after purchase
field-release = When does it open for buyers?
field-release-now = As soon as they buy
field-release-days = Days after purchase
field-release-date = On a date (UTC)
live-title = Live room
live-duration = { $minutes } min
live-starts-in = Starts in
live-days-short = d
live-now = Live now
live-ended = This session has ended.
live-replay = Replay
live-open-stream = Open the stream
live-chat = Chat
live-questions = Questions
live-ask-as-question = Ask it as a question
live-send = Send
live-pin = Pin
live-unpin = Unpin
live-pinned = Pinned
live-mark-answered = Mark answered
live-answered = Answered
live-question = Question
live-disconnected = Connection lost. Reconnecting…
live-enter = Enter the live room
live-seats-left = { $count ->
    [one] One seat left
   *[other] { $count } seats left
}
live-ticket-title = A ticket is needed for this room
live-ticket-body = Only ticket holders can watch and chat in this live session.
live-included-in = Comes with “{ $product }”
live-included-session = Includes a live session on { $date }
studio-live-schedule = Live session schedule
studio-live-replay-hint = After the session, attach the recording to one of its lessons: ticket holders watch it as the replay.
field-live-starts = Starts at (UTC)
field-live-duration = Duration in minutes
field-live-capacity = Seats (leave empty for no limit)
field-live-included-in = Ticket also comes with
field-live-stream-url = Stream address (HLS, RTMP or meeting link)
mark-line-order = Licensed to { $name } · order { $order } · not for redistribution
mark-line-account = Licensed to { $name } · account { $account } · not for redistribution
certificate-title = Certificate of completion
certificate-preamble = This certifies that
certificate-completed = has completed every lesson of
certificate-lessons = { $count ->
    [one] one lesson
   *[other] { $count } lessons
}
certificate-verification = Certificate { $code }
certificate-verified = Issued by this platform: the details below are on record.
certificate-download = Download the PDF
certificate-yours = Your certificate
certificate-earned = You completed every lesson: your certificate is ready.
media-kind-video = Video
media-kind-audio = Audio
media-kind-pdf = PDF
media-kind-epub = EPUB
file-size-kb = { $size } KB
file-size-mb = { $size } MB
coupon-placeholder = Coupon code (optional)
checkout-coupon = Coupon { $code }
checkout-processing = Your bank is confirming the payment. This page refreshes by itself.
studio-coupons = Coupons
studio-coupons-intro = A coupon takes a share or a fixed amount off one of your products, or all of them, until it expires or its uses run out.
studio-coupon-create = Create coupon
field-coupon-code = Code
field-coupon-product = Product
field-coupon-all-products = All my products
field-coupon-percent = Percent off (1–99)
field-coupon-max-uses = Uses (empty: no limit)
field-coupon-expires = Expires on (UTC, optional)
coupon-uses = { $uses } used
coupon-uses-of = { $uses } of { $max } used
coupon-off-percent = { $percent }% off
coupon-none = No coupons yet.
coupon-discount = Discount
coupon-used = Used
coupon-expires = Expires
coupon-over = Ended
coupon-edit = Edit
coupon-end = End now
coupon-delete = Delete
coupon-delete-confirm = Delete this coupon? Nobody has used it yet.
field-coupon-amount = Fixed amount off
field-coupon-currency = Currency
field-coupon-amount-hint = A fixed amount applies to prices in its currency only; a percentage applies to every price.
membership-title = Memberships
gift-title = A gift
gift-buy-as = Buy as a gift
gift-to-placeholder = Their e-mail address
gift-message-placeholder = A message (optional)
gift-sent = Paid. Send this link to { $email }: they claim the gift by signing in with that address.
gift-link = Claim link
gift-from = From { $name }:
gift-for = For { $email }
gift-claim = Claim this gift
gift-claimed = This gift has been claimed.
gift-not-paid = This gift is not paid for yet.
gift-login = Sign in to claim it
bundle-includes = This bundle includes:
bundle-owned = You own this
bundle-your-price = You own part of this bundle, so you pay { $price }.
sale-ends-in = Sale ends in
studio-sale = Limited-time sale
field-sale-percent = Percent off (1–90)
field-sale-ends = Ends at (UTC)
studio-sale-start = Start the sale
studio-sale-end = End the sale now
studio-sale-change = Change the sale
membership-per-monthly = Billed every month
membership-per-yearly = Billed every year
membership-grants = Membership includes:
membership-member-until = You are a member until { $date }.
membership-manage = Manage
membership-renews-on = Renews on { $date }
membership-ends-on = Cancelled: ends on { $date }
membership-past-due = Renewal failed: access until { $date } while we try again
membership-ended = Ended
membership-cancel = Cancel at period end
membership-resume = Keep my membership
studio-membership = What this membership grants
field-membership-interval = Renews
field-membership-all = Everything I publish, now and later
field-membership-products = Or these products

## Accounts
register-title = Create your account
login-title = Log in
field-email = E-mail
field-password = Password
field-display-name = Display name
register-password-hint = At least 10 characters.
register-submit = Create account
login-submit = Log in
register-have-account = Already have an account?
login-no-account = New here?

## Checkout and library
checkout-title = Checkout
checkout-product = Product
checkout-order = Order
checkout-total = Total
checkout-pay = Pay { $total }
checkout-already-paid = This order is paid.
checkout-released = You already hold what this order buys, so it was cancelled and nothing was charged.
checkout-go-to-product = Go to the product
checkout-sandbox-hint = Sandbox payments: card 4242 4242 4242 4242 succeeds, 4000 0000 0000 0002 is declined, 4000 0000 0000 3220 is confirmed by the bank a moment later. No real money moves.
field-card-number = Card number
library-title = My library
library-empty = You don't own anything yet.
library-since = Yours since { $date }

## Creator studio
studio-title = Creator studio
studio-new-product = New product
studio-empty = You have not created any product yet.
studio-save-draft = Save draft
studio-save = Save changes
studio-details = Details
studio-view = View page
studio-publish = Publish
studio-unpublish = Unpublish
studio-cover = Cover image
studio-cover-hint = PNG, JPEG, WebP or GIF, up to { $max } MB
studio-upload = Upload
studio-add-chapter = Add chapter
studio-add-lesson = Add lesson
field-title = Title
field-kind = Kind
field-status = Status
field-price = Price
field-title-en = Title (English)
field-title-zh = Title (Chinese)
field-description-en = Description (English, Markdown)
field-description-zh = Description (Chinese, Markdown)
field-price-cny = Price in CNY
field-price-usd = Price in USD
field-price-hint = Leave both prices empty for a free product.
field-tags = Tags (comma separated)
field-chapter = Chapter
field-body-en = Content (English, Markdown)
field-body-zh = Content (Chinese, Markdown)
field-preview = Free preview: anyone can read this lesson

## Search
nav-search-placeholder = Search courses, e-books…
search-title = Search
search-words = Words
search-sort = Sort by
search-sort-relevance = Relevance
search-sort-newest = Newest
search-sort-price_low = Price: low to high
search-sort-price_high = Price: high to low
search-submit = Search
search-in-your-lessons = In the lessons you can read
search-count = { $count ->
    [one] One result
   *[other] { $count } results
}

## Recommendations
home-for-you = For you
home-popular = Popular with learners
product-also-bought = People who bought this also bought
reason-because-bought = Because you bought “{ $title }”
reason-because-viewed = Because you looked at “{ $title }”
reason-picked-for-you = Picked for you from what you have studied
reason-also-bought = Bought by the same people
reason-popular = Popular with learners

## Errors (page)
error-title = Something went wrong
error-home = Back to the home page

## Formatting
number-group-separator = ,
number-decimal-separator = .
date-format = { $monthName } { $day }, { $year }
datetime-format = { $date }, { $time } ({ $zone })
month-1 = Jan
month-2 = Feb
month-3 = Mar
month-4 = Apr
month-5 = May
month-6 = Jun
month-7 = Jul
month-8 = Aug
month-9 = Sep
month-10 = Oct
month-11 = Nov
month-12 = Dec
currency-CNY = CN¥
currency-USD = $
currency-EUR = €
currency-GBP = £
currency-JPY = ¥

# Reviews
product-rating = ★ { $average } ({ $count ->
    [one] 1 rating
   *[other] { $count } ratings
})
reviews-title = Reviews
reviews-none = No reviews yet.
review-rating = Your rating
review-stars = { $count ->
    [one] 1 star
   *[other] { $count } stars
}
review-body = Your review (optional)
review-submit = Post review
review-update = Update review
search-sort-rating = Best rated
search-rating = Rating
search-min-rating = { $count } stars and up

# Learning
lesson-speed = Speed
lesson-resuming = Resuming where you left off.
lesson-download = Download
lesson-done = Completed
lesson-mark-done = Mark as done
studio-attach-media = Attach a video, audio, PDF or EPUB file:
studio-attach-submit = Upload
library-progress = { $percent }% done
library-continue = Continue
library-feed = Your private podcast feed
library-feed-help = Paste this address into any podcast app. It is yours alone: if it leaks, replace it.
library-feed-rotate = Replace the feed address
xapi-verb-registered = registered
xapi-verb-progressed = progressed
xapi-verb-completed = completed

## Tax, currencies and receipts
tax-included = Includes { $rate } tax ({ $country })
tax-added-to = { $net } + { $tax } tax ({ $rate }, { $country })
price-converted = Converted from { $from } at the current rate
checkout-country = Your country
referral-share = Share this link and earn { $rate } of every sale it brings:
receipt-title = Receipt
receipt-item = Item
receipt-converted = Converted from
receipt-net = Net
receipt-tax-included = Tax { $rate } ({ $country }), included
receipt-tax = Tax { $rate } ({ $country })
receipt-total = Total paid
receipt-paid-with = Paid with
receipt-card = Card ending { $last4 }
receipt-other-method = Payment provider
receipt-refunded-on = Refunded on { $date }
receipt-seller = Sold by { $name }
receipt-billed-to = Billed to { $name }
receipt-country = Country: { $country }
receipt-number = Receipt no. { $number }
receipt-tax-id = Tax number: { $id }
receipt-creator = On behalf of { $name }
receipt-footer = Order { $order }
receipt-download = Download PDF
receipt-print-hint = Or print this page.

## Earnings, affiliates and payouts
nav-earnings = Earnings
earnings-title = Earnings
earnings-saved = Saved.
earnings-csv = Download CSV
earnings-none = Nothing owed to you or paid to you this month.
earnings-opening = Owed at the start of the month
earnings-earned = Earned
earnings-refunded = Taken back by refunds
earnings-paid-out = Paid out
earnings-closing = Owed at the end of the month
earnings-kind-sale = Sale
earnings-kind-refund = Refund
earnings-kind-payout = Payout
earnings-role-creator = Creator
earnings-role-cocreator = Co-creator
earnings-role-partner = Partner
earnings-role-affiliate = Affiliate
earnings-referral = Your referral link
earnings-referral-intro = Add ?ref= and your code to any link. When a creator runs an affiliate programme, you earn their commission on what the people you send buy.
earnings-program = Your affiliate programme
earnings-program-intro = What you pay people who send you buyers, as a share of each sale after tax, and how many days after following a link a purchase still counts. 0 turns it off.
field-affiliate-percent = Commission (%)
field-affiliate-days = Days a link counts
earnings-contracts = Partner contracts
earnings-contract-all = All products
earnings-payouts = Payouts
field-payout-currency = Currency (empty for all)
field-payout-minimum = Minimum balance (whole units)
earnings-run-payouts = Pay everyone owed at least the minimum
studio-cocreators = Co-creators
studio-cocreators-intro = One per line: their e-mail address and their share in percent of each sale after tax and the platform fee, e.g. "coauthor@example.com 30". They need an account.
lesson-buy-alone = Buy just this lesson for { $price }
lesson-alone-price = { $price } alone
studio-lesson-alone = Sold alone for
checkout-hosted-hint = You pay on the payment provider's secure page and come back here.

## Paid questions
nav-questions = Questions
questions-title = Questions
questions-inbox = Questions to you
questions-inbox-empty = No paid questions yet.
questions-mine = Your questions
questions-none = You have not asked anything yet.
question-field = Your question
question-promise = Answered in writing within 7 days, or refunded in full automatically.
question-sent = Your question is with the creator. You will find the answer here.
question-due = Waiting for an answer until { $date }
question-answered-on = Answered on { $date }
question-refunded = Refunded: not answered in time
question-unpaid = Not paid yet
question-answer = Send the answer
library-lessons = Lessons bought on their own
orders-title = Order history
orders-none = No orders yet.
order-status-paid = Paid
order-status-refunded = Refunded
order-status-partly-refunded = Partly refunded
order-status-processing = Waiting for the bank
order-status-pending = Not paid
order-status-released = Cancelled: already yours
rates-title = Tax and exchange rates
rates-currencies = Currencies
rates-currencies-intro = Products without a price in a currency are offered at their first price converted with this table and rounded up as set here. Prices in a currency either include tax or get it added at checkout.
rates-per-usd = per US dollar
rates-rounding = Rounding
rates-tax-inclusive = prices include tax
rates-add = Add
rates-tax = Tax on digital goods by buyer country
rates-tax-intro = The rate charged to buyers in each country. A country not listed pays no tax.
rounding-exact = to the cent
rounding-whole = to a whole unit
rounding-ninety_nine = to .99
rounding-tens = to tens
studio-sales = Sales
sales-intro = Paid orders of your products. You can refund within 14 days of payment, in full or in part; a full refund ends the buyer's access.
sales-none = No sales yet.
sales-refunded = Refunded.
sales-refunded-amount = { $amount } refunded
sales-amount = Amount to refund
sales-reason = Reason (optional)
sales-refund = Refund

## Background jobs (operators)
jobs-title = Background jobs
jobs-intro = Renewals, refunds of unanswered questions, receipt numbers and search indexing run as jobs. A job that fails is tried again with growing pauses; after eight tries it waits here for you.
jobs-none = No jobs here.
jobs-kind = Job
jobs-status = Status
jobs-attempts = Tries
jobs-when = When
jobs-error = Last error
jobs-retry = Try again
jobs-status-failed = Failed
jobs-status-queued = Queued
jobs-status-running = Running
jobs-status-done = Done
jobs-status-all = All
jobs-kind-renewals = Membership renewals due
jobs-kind-renew = Renew one membership
jobs-kind-question_refunds = Refunds of unanswered questions due
jobs-kind-refund_question = Refund one unanswered question
jobs-kind-number_receipts = Number receipts
jobs-kind-reindex_search = Rebuild the search index
jobs-kind-prune = Clear out old records

## Mail
mail-greeting = Hello { $name },
mail-footer = You receive this mail because of your account on this Kenning school. If you did not ask for it, you can ignore it.
mail-verify-email-subject = Confirm your e-mail address
mail-verify-email-body = Welcome! Please confirm that this address is yours, so that receipts, gift links and answers reach you.

    The link works for three days.
mail-verify-email-action = Confirm my address
mail-reset-password-subject = Reset your password
mail-reset-password-body = Someone (we hope you) asked to reset the password of your account. Choose a new password with the link below.

    The link works once, for one hour. If you did not ask, ignore this mail: your password stays as it is.
mail-reset-password-action = Choose a new password
mail-confirm-new-email-subject = Confirm your new e-mail address
mail-confirm-new-email-body = You asked to use this address for your account. It replaces the old one once you confirm it.

    The link works for three days.
mail-confirm-new-email-action = Use this address
mail-password-changed-subject = Your password was changed
mail-password-changed-body = The password of your account was just changed, and every other sign-in was ended.

    If this was not you, reset your password now with the link below.
mail-password-changed-action = Reset my password

## Account: recovery and settings
nav-home = Home
nav-account = Account
field-new-password = New password
field-current-password = Current password
login-forgot = Forgot your password?
forgot-title = Forgot your password
forgot-intro = Enter the e-mail address of your account. We will mail you a link to choose a new password.
forgot-submit = Mail me a link
forgot-sent = If an account uses this address, a link to choose a new password is on its way. It works for one hour. Check your spam folder if nothing arrives.
forgot-back-to-login = Back to log in
reset-title = Choose a new password
reset-submit = Save the new password
reset-done = Your password is changed, and you were signed out everywhere. Log in with the new password.
verify-title = Confirm your e-mail address
verify-done = Thank you: your e-mail address is confirmed.
verify-ask-again = You can ask for a new link on your account page.
confirm-email-title = Confirm your new e-mail address
confirm-email-intro = Press the button to use this address for your account from now on.
confirm-email-submit = Use this address
confirm-email-done = Your account now uses its new e-mail address.
confirm-email-ask-again = You can ask again on your account page.
settings-title = Your account
settings-profile = Profile
settings-mail-language = Language of mail we send you
settings-save = Save
settings-profile-saved = Your profile is saved.
settings-email-verified = Confirmed
settings-email-unverified = Not confirmed yet
settings-resend-verification = Mail me a new confirmation link
settings-new-email = New e-mail address
settings-change-email = Change e-mail address
settings-email-sent = A link is on its way. Nothing changes until it is followed.
settings-change-password = Change password
settings-password-saved = Your password is changed. You were signed out everywhere else.
settings-sessions = Where you are signed in
settings-session-since = Signed in { $date }
settings-session-current = This device
settings-end-other-sessions = Sign out everywhere else
settings-sessions-ended = You were signed out everywhere else.

## Operator console
admin-title = Operator console
admin-intro = Run the school: the audit log of every operator action and money movement, payouts, tax and exchange rates, and background jobs.
admin-recent = Done lately
admin-payouts = Payouts
audit-title = Audit log
audit-intro = Every operator action and every movement of money, with who, when, what, and the state before and after. Entries are never changed or removed.
audit-action = Action
audit-any = Any
audit-target = Target
audit-from = From
audit-until = Until
audit-apply = Filter
audit-csv = Export CSV
audit-none = Nothing recorded here yet.
audit-when = When
audit-actor = Who
audit-change = Change
audit-before = before
audit-after = after
audit-reason = reason
audit-older = Older entries
audit-system = Kenning (automatic)
audit-action-tax_rate_set = Tax rate set
audit-action-exchange_rate_set = Exchange rate set
audit-action-payouts_run = Payout made
audit-action-order_refunded = Order refunded
audit-action-role_changed = Role changed
audit-action-account_suspended = Account suspended
audit-action-account_restored = Account restored
audit-action-product_unpublished = Product unpublished
audit-action-product_released = Product allowed again
audit-action-creator_approved = Creator approved
audit-action-creator_declined = Creator declined
audit-action-job_retried = Job retried
audit-action-search_reindexed = Search rebuilt
audit-action-clock_advanced = Test clock moved
nav-admin = Console
mail-creator-approved-subject = You can create and sell now
mail-creator-approved-body = Your application to become a creator was approved. Your studio is ready: create your first course, e-book or membership and publish it when you are happy with it.
mail-creator-approved-action = Open my studio
mail-creator-declined-subject = About your application to become a creator
mail-creator-declined-body = Thank you for applying to become a creator. An operator declined the application for now, and wrote:
mail-creator-declined-action = See my application
role-learner = Learner
role-creator = Creator
role-admin = Operator
people-title = People
people-search = Address or name
people-find = Find
people-none = Nothing here.
people-role = Role
people-joined = Joined
people-suspended = Suspended
people-suspend = Suspend and sign out
people-suspend-reason = Why (kept in the audit log)
people-restore = Restore
people-orders = Orders
people-holdings = Holds
applications-title = Creator applications
applications-none = No applications here.
applications-person = The person
applications-approve = Approve
applications-decline = Decline
applications-decline-reason = Reason (the applicant is told)
apply-title = Become a creator
apply-intro = Sell your courses, e-books, audio and live sessions here. Tell us who you are and where to pay your earnings; an operator reads every application.
apply-name = The name you sell under
apply-bio = About you and what you teach
apply-payout = Where we pay you
apply-payout-hint = One line per currency you want to be paid in: its code (EUR, USD, CNY …) and your bank account (IBAN) or payment account.
apply-currency = Currency
apply-reference = Bank or account reference
apply-submit = Send my application
apply-can-create = You can create and sell already.
apply-status-pending = Your application is waiting for an operator.
apply-status-approved = Your application was approved.
apply-status-declined = Your application was declined. You can apply again.
apply-status-all = All
nav-become-creator = Become a creator
mail-receipt-subject = Your receipt for { $product }
mail-receipt-body = Thank you for your purchase of { $product } ({ $total }). It is in your library now.

    Your receipt is attached as a PDF; you can also open it on the site at any time.
mail-receipt-action = Open my receipt
settings-data = Your data
settings-export-intro = Download everything this school holds about you, as JSON.
settings-export = Download my data
settings-delete-intro = Deleting your account erases your name, address, progress, reviews, certificates and messages, and signs you out everywhere. Receipts and the record of your payments are kept, as the law requires. This cannot be undone.
settings-delete = Delete my account
mail-question-answered-subject = Your question was answered
mail-question-answered-body = The creator answered the question you asked. Read the answer on your questions page.
mail-question-answered-action = Read the answer
mail-order-refunded-subject = { $amount } refunded to you
mail-order-refunded-body = { $amount } of your order was refunded to the way you paid. Banks take a few days to show it.
mail-order-refunded-action = See the order
mail-announcement-subject = { $title }
mail-announcement-body = The creator of something you hold wrote to everyone who has it:
mail-announcement-action = Open it
notifications-title = Notifications
notifications-none = Nothing new. Answers, refunds, membership renewals, live-session reminders and creators' announcements appear here.
notifications-mark-all = Mark all read
notifications-mark-read = Mark read
notifications-mail = Also send by mail
notice-question-answered = Your question was answered
notice-order-refunded = { $amount } was refunded to you
notice-announcement = Announcement: { $title }
notice-kind-answers = Answers to my questions
notice-kind-refunds = Refunds
notice-kind-announcements = Announcements from creators of what I hold
notice-renewal-soon = { $title } renews on { $date } for { $amount }
notice-renewed = { $title } renewed: { $amount } paid
notice-renewal-failed = { $title } could not be renewed; access lasts until { $date } while we try again
notice-membership-ended = Your membership { $title } has ended
notice-live-soon = { $title } starts at { $time }
notice-kind-renewals = Membership renewals
notice-kind-live = Live sessions starting soon
notice-product-held = An operator unpublished { $title }
notice-product-released = { $title } may be published again
notice-kind-moderation = Operators' decisions about my products
mail-product-held-subject = { $title } was unpublished
mail-product-held-body = An operator took { $title } off sale, and it cannot be published again until an operator allows it. Those who bought it keep their access. The operator wrote:
mail-product-held-action = Open it in my studio
mail-product-released-subject = { $title } may be published again
mail-product-released-body = An operator allowed { $title } again. You can publish it from your studio when you are ready.
mail-product-released-action = Open it in my studio
mail-renewal-soon-subject = { $title } renews on { $date }
mail-renewal-soon-body = Your membership { $title } renews on { $date }, and { $amount } will be charged to the way you paid last time.

    Nothing to do if you want to stay. To stop, cancel it in your library before that day: you keep access until the end of the period you paid for.
mail-renewal-soon-action = Manage my membership
mail-renewed-subject = { $title } renewed
mail-renewed-body = Your membership { $title } renewed, and { $amount } was paid. The receipt follows in a separate mail.
mail-renewed-action = See the order
mail-renewal-failed-subject = We could not renew { $title }
mail-renewal-failed-body = The payment for your membership { $title } did not go through. We will try again over the next days, and you keep access until { $date }.

    If your card changed or expired, subscribe again from the membership's page after that date.
mail-renewal-failed-action = Manage my membership
mail-membership-ended-subject = Your membership { $title } has ended
mail-membership-ended-body = Your membership { $title } has ended, and with it your access to what it included. What you bought on its own stays yours.

    You are welcome back at any time.
mail-membership-ended-action = See my library
mail-live-soon-subject = Starting soon: { $title }
mail-live-soon-body = The live session { $title } starts at { $time }. Your ticket is ready: open the room a few minutes early to test your sound and picture.
mail-live-soon-action = Open the live room
mail-gift-subject = { $from } gave you { $title }
mail-gift-body = { $from } bought { $title } for you as a gift.

    To claim it, open the link below and sign in (or create a free account) with this e-mail address. It is then yours, in your library.
mail-gift-action = Claim my gift
studio-announce = Write to your buyers
studio-announce-intro = Everyone who holds this product gets it as a notification, and by mail unless they turned that off.
studio-announce-title = Title
studio-announce-body = Message
studio-announce-send = Send to all buyers
two-factor-title = Two-step sign-in
two-factor-intro = After your password, also ask for a code from an authenticator app on your phone, so a stolen password alone opens nothing.
two-factor-start = Turn on two-step sign-in
two-factor-setup-intro = Add this key to your authenticator app (Google Authenticator, 1Password, Aegis …), or open the link on the phone that has the app. Then enter the six-digit code it shows.
two-factor-scan = Scan this code with your authenticator app
two-factor-open-app = Open in an authenticator app
two-factor-code = Code
two-factor-confirm = Turn on
two-factor-on-done = Two-step sign-in is on.
two-factor-recovery-intro = Keep these recovery codes somewhere safe: each signs you in once instead of a code, if you lose your phone. They are shown only now.
two-factor-enabled = On
two-factor-codes-left = { $count } recovery codes left.
two-factor-disable = Turn off two-step sign-in
two-factor-off-done = Two-step sign-in is off.
two-factor-login-intro = Enter the six-digit code from your authenticator app.
two-factor-login-recovery = Lost your phone? Enter one of your recovery codes instead.
students-title = Students
students-csv = Download CSV
students-none = Nobody holds this yet.
students-since = Since
students-progress = Lessons finished
students-last-active = Last active
students-finished = Finished
students-source-order = bought
students-source-gift = gift
students-source-bundle = in a bundle
students-source-free = free
students-source-subscription = membership
studio-move-up = Move up
studio-move-down = Move down
studio-drag = Drag to reorder (or use the arrows)
studio-edit = Edit
studio-delete = Delete
studio-delete-chapter = Delete chapter
studio-edit-lesson = Edit lesson
payouts-preview = Show what would be paid
payouts-would-pay = A payout run now would pay
payouts-none = Nobody is owed that much.
payouts-amount = Amount
payouts-approve = Approve and pay
payouts-latest = Latest payouts
payouts-done = { $count } payouts made.
products-admin-title = Products
products-admin-intro = Every product in any state. Taking one off sale needs a reason: its creator is told, and cannot publish it again until you allow it. Buyers keep their access.
products-admin-words = Title
products-admin-status = Status
products-admin-any = Any
products-admin-held = Taken off sale by an operator:
products-admin-hold = Take off sale
products-admin-reason = Reason (the creator reads it)
products-admin-release = Allow publishing again
studio-held = An operator took this product off sale, and it cannot be published again until an operator allows it. The reason given:
orders-admin-title = Orders
orders-admin-id = Order id
orders-admin-email = Buyer's e-mail
orders-admin-day = Day
orders-admin-refunded-so-far = refunded
orders-admin-amount = Amount
orders-admin-all = all that is left
orders-admin-refund = Refund
orders-admin-refunded = The refund was made. The buyer is told.

question-answer-label = Your answer
markdown-hint = Markdown works: **bold**, `code`, lists, and blank lines between paragraphs.
copy-link = Copy link
copied = Copied
gift-received = A gift from { $name }: it is yours now, in your library.
gift-open = Open it
gift-status-waiting = Not claimed yet. We mailed the link to { $email }; you can also send it yourself.
gift-status-claimed = { $email } claimed it on { $date }.
gift-not-yours = This gift is for { $email }. Sign in with that address to claim it.
sales-col-date = Date
sales-col-product = Product
sales-col-buyer = Buyer
sales-col-total = Paid
sales-col-refunded = Refunded
sales-left = Up to { $amount } (empty: all of it)
sales-confirm-title = Confirm the refund
sales-confirm-summary = Refund { $amount } of { $total } to { $buyer } for “{ $product }”. The money goes back to their card; this cannot be undone.
sales-confirm-revokes = This refunds all that is left: the buyer loses access to the product.
sales-confirm-keeps = A partial refund: the buyer keeps access.
sales-confirm-button = Refund now
sales-confirm-cancel = Cancel
earnings-col-what = Movement
earnings-col-amount = Your share
earnings-breakdown = Buyer paid { $paid }: tax { $tax }, payment fee { $payment }, platform fee { $platform }, other shares { $others }, yours { $yours }
question-member-allowance = Your membership includes { $allowed } questions in any { $days } days to this desk, answered within 7 days.
question-ask = Ask
question-expired = Not answered in time
question-member = Included in your membership
question-buy-instead = Or buy a question
