"""The admin's upload forms. clean() runs readers.check on the file, so every problem
it finds shows on the form, naming the line, column or file; nothing is stored
until the form is valid."""

from django import forms
from django.core.files.base import ContentFile
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from playground.models import Dataset
from playground.uploads import readers, services
from playground.uploads.limits import UploadError, limits

FORMATS_HELP = _(
    "2-D points: CSV with the header x1,x2,label. Tabular: CSV with numeric feature columns and a label column. "
    "Images: a .zip with one folder of pictures per class (PNG, JPEG, GIF, BMP, WebP), or an .npz with arrays x and y. "
    "Text: CSV with the header text,label. UTF-8 (with or without BOM) or Korean CP949."
)


class OptionsMixin(forms.Form):
    """The choices made on upload, per kind (the others are ignored)."""

    target = forms.ChoiceField(
        label=_("Target"),
        choices=[
            ("classification", _("classification: each label is a class")),
            ("regression", _("regression: the label is a number")),
        ],
        initial="classification",
        required=False,
        help_text=_("2-D points and tabular: what the label column is"),
    )
    label_column = forms.CharField(
        label=_("Label column"),
        initial="label",
        required=False,
        max_length=100,
        help_text=_("tabular: the column to predict; every other column is a numeric feature"),
    )
    height = forms.IntegerField(
        label=_("Height"), initial=28, min_value=4, max_value=64, required=False, help_text=_("images: pixels")
    )
    width = forms.IntegerField(
        label=_("Width"), initial=28, min_value=4, max_value=64, required=False, help_text=_("images: pixels")
    )
    color = forms.ChoiceField(
        label=_("Colour"),
        choices=[("grayscale", _("grayscale (1 channel)")), ("rgb", _("RGB colour (3 channels)"))],
        initial="grayscale",
        required=False,
        help_text=_("images: every picture is converted to this"),
    )
    lowercase = forms.BooleanField(
        label=_("Lower-case"), initial=True, required=False, help_text=_("text: lower-case before tokenizing")
    )
    remove_stopwords = forms.BooleanField(
        label=_("Remove stop words"),
        initial=True,
        required=False,
        help_text=_("text: drop English and Korean stop words"),
    )
    max_vocab = forms.IntegerField(
        label=_("Vocabulary size"),
        initial=1000,
        min_value=10,
        max_value=5000,
        required=False,
        help_text=_("text: the vocabulary's size, counting the padding and unknown-word tokens"),
    )
    tokens = forms.ChoiceField(
        label=_("Token level"),
        choices=[
            ("particles", _("words, common Korean particles split off by a rule")),
            ("word", _("words: eojeol for Korean, whitespace words for English")),
            ("morpheme", _("morphemes (Kiwi analyser; best for Korean, English words stay whole)")),
            ("char", _("characters (no stop words removed)")),
        ],
        initial="particles",
        required=False,
        help_text=_("text: what the texts are split into before the vocabulary is built"),
    )
    max_length = forms.IntegerField(
        label=_("Sequence length"),
        min_value=1,
        max_value=200,
        required=False,
        # xgettext:no-python-format
        help_text=_("text: tokens per sequence; blank: the length that covers 95% of the texts"),
    )

    OPTION_FIELDS = {
        "points": ("target",),
        "tabular": ("target", "label_column"),
        "images": ("height", "width", "color"),
        "text": ("lowercase", "remove_stopwords", "max_vocab", "max_length", "tokens"),
    }

    def options_for(self, kind):
        data = self.cleaned_data
        out = {}
        for name in self.OPTION_FIELDS.get(kind, ()):
            value = data.get(name)
            if value in (None, "") and name in (
                "target",
                "label_column",
                "height",
                "width",
                "color",
                "max_vocab",
                "tokens",
            ):
                value = self.fields[name].initial
            out[name] = value
        return out

    def check_upload(self, kind):
        """Read and check the file; sets self.content (a ContentFile) and self.checked, or adds the error to `file`."""
        upload = self.cleaned_data.get("file")
        if not upload or not kind:
            return
        try:
            readers.check_file(kind, upload.name, upload.size)
            data = upload.read(limits()["max_bytes"] + 1)
            self.checked = readers.check(kind, upload.name, data, self.options_for(kind))
        except UploadError as exc:
            self.add_error("file", str(exc))
            return
        self.content = ContentFile(data, name=upload.name)


class UploadForm(OptionsMixin, forms.ModelForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=41,
        help_text=_("what specs and links call it, e.g. iris (lower-case letters, digits, - and _)"),
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    file = forms.FileField(label=_("File"), help_text=FORMATS_HELP)

    class Meta:
        model = Dataset
        fields = ["title", "kind"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        try:
            services.check_name(name)
        except UploadError as exc:
            raise forms.ValidationError(str(exc)) from None
        return name

    def clean(self):
        data = super().clean()
        self.check_upload(data.get("kind"))
        return data


class ReplaceForm(OptionsMixin, forms.ModelForm):
    """An uploaded set's page: edit the title and description, or upload a new file (a new version)."""

    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    file = forms.FileField(
        required=False,
        label=_("Replace the file"),
        help_text=format_lazy(
            "{} {}",
            _(
                "creates a new version (the old one is archived once the new one "
                "is ready, and stays loadable for saved experiments)."
            ),
            FORMATS_HELP,
        ),
    )

    class Meta:
        model = Dataset
        fields = ["title", "archived"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        row = self.instance
        self.fields["description"].initial = row.metadata.get("description", "")
        for name, value in (row.options or {}).items():
            if name in self.fields:
                self.fields[name].initial = value

    def clean(self):
        data = super().clean()
        self.check_upload(self.instance.kind)
        return data
