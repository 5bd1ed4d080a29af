object SwitchboardForm: TSwitchboardForm
  Left = 0
  Top = 0
  Caption = 'Switchboard'
  ClientHeight = 600
  ClientWidth = 800
  Color = clBtnFace
  Font.Charset = DEFAULT_CHARSET
  Font.Color = clWindowText
  Font.Height = -12
  Font.Name = 'Segoe UI'
  Font.Style = []
  Position = poScreenCenter
  OnCreate = FormCreate
  OnDestroy = FormDestroy
  TextHeight = 15
  object TopPanel: TPanel
    Left = 0
    Top = 0
    Width = 800
    Height = 41
    Align = alTop
    BevelOuter = bvNone
    TabOrder = 0
    object StatusLabel: TLabel
      Left = 168
      Top = 13
      Width = 82
      Height = 15
      Caption = 'Not opened yet'
    end
    object OpenButton: TButton
      Left = 8
      Top = 8
      Width = 145
      Height = 25
      Caption = 'Open Switchboard'
      TabOrder = 0
      OnClick = OpenButtonClick
    end
  end
  object EdgeBrowser: TEdgeBrowser
    Left = 0
    Top = 41
    Width = 800
    Height = 439
    Align = alClient
    TabOrder = 1
    OnCreateWebViewCompleted = EdgeBrowserCreateWebViewCompleted
    OnNavigationCompleted = EdgeBrowserNavigationCompleted
    OnWebMessageReceived = EdgeBrowserWebMessageReceived
  end
  object EventsMemo: TMemo
    Left = 0
    Top = 480
    Width = 800
    Height = 120
    Align = alBottom
    ReadOnly = True
    ScrollBars = ssVertical
    TabOrder = 2
  end
end
